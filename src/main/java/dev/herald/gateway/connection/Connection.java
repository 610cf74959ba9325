package dev.herald.gateway.connection;

import dev.herald.gateway.edge.TokenBucket;
import dev.herald.protocol.Frame;
import dev.herald.token.Principal;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One client connection on this gateway instance. Touched only on the instance's event loop.
 * Its bounds live here: what waits to be read (inbound) and what waits to be written (outbound).
 */
public final class Connection {

  public final String id;
  public final ClientSocket socket;
  /** The SockJS session id for the fallback transports (they are owned by {@link #principal}'s user); else null. */
  public final String sessionId;
  /** The raw WebSocket endpoint (not a SockJS session): the close frame carries the close code. */
  public final boolean rawWebSocket;
  public Principal principal;
  public final Set<String> registrations = new HashSet<>(4);
  /** Channels the backend let this connection read (the subscribe proxy), beyond its token's. */
  public final Set<String> granted = new java.util.LinkedHashSet<>(0);
  /** Channels a backend took this connection off (the HTTP API's unsubscribe): no grant brings them back on this connection. */
  public final Set<String> withdrawn = new HashSet<>(0);
  /** What the connect proxy handed the client ({@code rt.session}), or null. */
  public Object connectData;
  /** What the subscribe proxy handed the client with a channel it granted, by channel; null until one did. */
  public Map<String, Object> channelData;
  /** The users it follows as contacts ({@code rt.presence.contacts}); null while none. */
  public Set<String> contacts;
  public int pendingReplies;
  public long lastSeen;
  public boolean expiryNoticeSent;
  /** Let in by the connect proxy (no token): the refresh proxy, not the client, extends it. */
  public boolean proxied;
  /** Open or closed (by a drain or not), and its count in presence. */
  public final ConnectionLife life = new ConnectionLife();
  /** The trace id of the request that closed this connection (a traced disconnect), else null: its own id traces the leave. */
  public String closedBy;

  /** Channels this connection is a member of: each completes once the membership service counted it. */
  public Map<String, Future<Void>> channels;

  /**
   * Registers handled but not yet in effect (their channels' owners not reached yet), or null: a
   * later register goes ahead, a frame of any other type waits for them.
   */
  public java.util.List<Future<Void>> settling;

  /** A frame is being handled asynchronously; later frames wait in {@link #queue}. */
  public boolean waiting;
  public FrameQueue<Buffer> queue;

  /** Bytes written since the socket's write queue was last found full; reset when it drains. */
  public long backlog;
  /** Found not reading: nothing more is written; the slow consumer handler closes it. */
  boolean slow;
  private final long maxBacklog;
  private final Handler<Connection> onSlow;
  private final Handler<Void> drained = v -> backlog = 0;

  private TokenBucket publishes;
  private TokenBucket commands;
  private TokenBucket answers;

  public Connection(String id, ClientSocket socket, String sessionId, boolean rawWebSocket, Principal principal, long now,
             long maxBacklog, Handler<Connection> onSlow) {
    this.id = id;
    this.socket = socket;
    this.sessionId = sessionId;
    this.rawWebSocket = rawWebSocket;
    this.principal = principal;
    this.lastSeen = now;
    this.maxBacklog = maxBacklog;
    this.onSlow = onSlow;
  }

  public Map<String, Future<Void>> channels() {
    if (channels == null) {
      channels = new HashMap<>(4);
    }
    return channels;
  }

  public TokenBucket publishBucket(int perSecond) {
    if (publishes == null) {
      publishes = new TokenBucket(perSecond, 2 * perSecond, System.nanoTime());
    }
    return publishes;
  }

  public TokenBucket commandBucket(int perSecond, int burst) {
    if (commands == null) {
      commands = new TokenBucket(perSecond, burst, System.nanoTime());
    }
    return commands;
  }

  /** Bytes of answers this connection may still be sent (bridge.answerBytesPerSecond, bursts of four times that). */
  public TokenBucket answerBucket(int bytesPerSecond) {
    if (answers == null) {
      answers = new TokenBucket(bytesPerSecond, 4 * bytesPerSecond, System.nanoTime());
    }
    return answers;
  }

  public FrameQueue<Buffer> queued(long maxBytes) {
    if (queue == null) {
      queue = new FrameQueue<>(maxBytes, Buffer::length);
    }
    return queue;
  }

  /** Answers {@code frame} with an {@code err} ({@link Frame#refusal}), counted as refused. */
  public void refuse(Frame frame, ReplyException why, BridgeMetrics metrics) {
    metrics.refused.increment();
    write(Frame.refusal(frame, why));
  }

  /**
   * Writes a frame. While the socket's write queue is full (the client does not read), what is
   * written is counted; past {@code bridge.maxQueuedBytes} the connection is handed to the slow
   * consumer handler (which closes it, on a later turn of the event loop: this may be called
   * while a fan-out walks the subscribers) and nothing more is written.
   */
  public void write(Buffer frame) {
    if (life.closed() || slow) {
      return;
    }
    boolean full;
    try {
      full = socket.writeQueueFull();
    } catch (IllegalStateException closedUnderUs) {
      return; // the WebSocket closed before its close handler ran
    }
    if (full) {
      if (backlog == 0) {
        socket.drainHandler(drained); // one-shot on SockJS sessions: set again each time it fills
      }
      backlog += frame.length();
      if (backlog > maxBacklog) {
        slow = true;
        onSlow.handle(this);
        return;
      }
    }
    socket.write(frame);
  }
}
