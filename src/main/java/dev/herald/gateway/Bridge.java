package dev.herald.gateway;

import dev.herald.protocol.Frame;
import dev.herald.token.Principal;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.Addresses.Target;
import dev.herald.protocol.CloseCode;
import dev.herald.protocol.ErrorCode;
import dev.herald.config.BridgeConfig;
import dev.herald.config.HeraldConfig;
import dev.herald.observability.TraceIds;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Herald's event-bus bridge: speaks the wire protocol of {@code @vertx/eventbus-bridge-client.js}
 * over any SockJS transport or a raw WebSocket, and enforces {@link Permissions}.
 *
 * <p>It replaces vertx-web's {@code SockJSHandler.bridge(...)}, which registers one cluster-wide
 * consumer per socket subscription (always {@code consumer()}, never {@code localConsumer()}),
 * runs a ping timer per socket, and answers a refusal with a bare {@code access_denied} that never
 * reaches the client's callback. Here subscriptions go through {@link LocalFanout}, requests
 * through {@link Sends}, one sweep timer per instance checks liveness and token expiry, and every
 * refusal is an {@code err} frame with a {@code failureCode} addressed to the handler or reply
 * callback it concerns.
 */
final class Bridge implements Handler<SockJSSocket> {

  static final String PRINCIPAL_KEY = "herald.principal";

  private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);
  static final long CUT_AFTER_MS = 5000;
  private static final Buffer PING = Buffer.buffer("{\"type\":\"ping\"}");

  private final Vertx vertx;
  private final BridgeConfig config;
  private final int maxJsonDepth;
  private final Sweep sweep;
  private final BridgeMetrics metrics;
  private final LocalFanout fanout;
  private final MembershipLink membership;
  private final Sends sends;
  private final SessionOwners owners;
  private final Map<String, Connection> connections = new HashMap<>();

  Bridge(Vertx vertx, HeraldConfig config, String nodeId, SessionOwners owners) {
    this.vertx = vertx;
    this.config = config.bridge();
    this.maxJsonDepth = config.http().maxJsonDepth();
    this.sweep = new Sweep(config.heartbeat().timeoutSeconds() * 1000L, config.auth().expiryNoticeSeconds());
    this.metrics = new BridgeMetrics(vertx);
    this.fanout = new LocalFanout(vertx.eventBus(), metrics);
    this.membership = new MembershipLink(vertx.eventBus(), nodeId, this.config.replyTimeoutMs());
    this.sends = new Sends(vertx, this.config, metrics, this::narrowRights);
    this.owners = owners;
  }

  int connectionCount() {
    return connections.size();
  }

  int subscriptionCount() {
    return fanout.addresses();
  }

  @Override
  public void handle(SockJSSocket sock) {
    RoutingContext ctx = sock.routingContext();
    Principal principal = ctx == null ? null : ctx.get(PRINCIPAL_KEY);
    if (principal == null) {
      // the authentication handler runs before every transport; this is a wiring error
      sock.close(CloseCode.TOKEN_EXPIRED.code, ErrorCode.UNAUTHORIZED.text);
      return;
    }
    String path = ctx.request().path();
    String session = SessionOwners.sessionOf(path);
    boolean webSocket = path.endsWith("/websocket");
    HttpConnection tcp = webSocket ? ctx.request().connection() : null;
    Connection c = new Connection(TraceIds.newId(), sock, tcp, webSocket ? null : session, session == null && webSocket, principal,
        System.currentTimeMillis(), config.maxQueuedBytes(), this::onSlowConsumer);
    if (c.sessionId != null) {
      owners.claim(c.sessionId, principal.userId());
    }
    connections.put(c.id, c);
    metrics.connects.increment();
    sock.handler(data -> onData(c, data));
    sock.closeHandler(v -> onClose(c));
    sock.exceptionHandler(err -> onError(c, err));
    // frames wait until presence counts the connection, so a status set right after opening
    // cannot be overtaken by the connect
    holdUntil(c, membership.joinPresence(c));
  }

  /**
   * A transport error ends the connection with a reason, never a silent drop. The one a client
   * causes is a WebSocket message over the size limit (Vert.x discards it and reports an
   * IllegalStateException; Netty a corrupted or too-long frame).
   */
  private void onError(Connection c, Throwable err) {
    if (err instanceof IllegalStateException || err instanceof io.netty.handler.codec.CorruptedFrameException
        || err instanceof io.netty.handler.codec.TooLongFrameException) {
      metrics.limited("frame_size");
      c.write(Frame.err(ErrorCode.TOO_LARGE, "frames are limited to " + config.maxFrameBytes() + " bytes"));
      close(c, CloseCode.TOO_BIG.code, ErrorCode.TOO_LARGE.text, false);
    } else {
      LOG.debug("connection {} of {} failed: {}", c.id, c.principal.userId(), err.toString());
      close(c, CloseCode.SERVER_ERROR.code, "transport error", false);
    }
  }

  private void onClose(Connection c) {
    if (c.closed) {
      return;
    }
    c.closed = true;
    connections.remove(c.id);
    if (c.sessionId != null) {
      owners.release(c.sessionId);
    }
    metrics.disconnects.increment();
    for (String address : c.registrations) {
      fanout.unsubscribe(address, c);
    }
    c.registrations.clear();
    c.queue = null;
    membership.leaveAll(c);
  }

  /**
   * Closes {@code c} with a code the client can tell apart. SockJS's own close frame always says
   * 3000 "Go away!", so every transport first gets a final {@code err} frame carrying the code
   * ({@code {"type":"err","body":"closed","failureCode":code,"message":reason}}), and a SockJS
   * session is closed only once that frame went out (or its own timeout ends it). A WebSocket's
   * TCP connection is cut {@value #CUT_AFTER_MS} ms after its close frame if the client has not
   * closed by then (a client that does not read never sees the close frame, and Vert.x starts
   * its closing timeout only once the frame is written); {@code cut} drops it at once, for a
   * client known not to read.
   */
  private void close(Connection c, int code, String reason, boolean cut) {
    if (c.closed) {
      return;
    }
    if (cut && c.tcp != null) {
      onClose(c);
      c.tcp.close();
      return;
    }
    Buffer last = Frame.closing(code, reason);
    if (c.rawWebSocket) {
      c.write(last);
      c.socket.close(code, reason);
      onClose(c);
    } else {
      // a SockJS session (any transport, its websocket one too) drops what is still queued when
      // it closes: close once the last frame went out
      onClose(c);
      c.socket.write(last).onComplete(ar -> c.socket.close(code, reason));
    }
    if (c.tcp != null) {
      vertx.setTimer(CUT_AFTER_MS, id -> c.tcp.close());
    }
  }

  private void onSlowConsumer(Connection c) {
    metrics.limited("slow_consumer");
    LOG.info("closing connection {} of {}: a slow consumer ({} bytes unread, bridge.maxQueuedBytes {})",
        c.id, c.principal.userId(), c.backlog, config.maxQueuedBytes());
    // not now: a fan-out may be walking the subscribers this close removes it from
    vertx.runOnContext(v -> close(c, CloseCode.SLOW_CONSUMER.code, "slow consumer: more than " + config.maxQueuedBytes() + " bytes unread", true));
  }

  /** Closes every connection of {@code userId} here (the HTTP API's cluster-wide disconnect). */
  void disconnect(String userId) {
    for (Connection c : List.copyOf(connections.values())) {
      if (c.principal.userId().equals(userId)) {
        close(c, CloseCode.DISCONNECTED.code, "disconnected by the server", false);
      }
    }
  }

  /**
   * Node shutdown: every client is told to reconnect elsewhere (close code 1012). With a drain
   * grace ({@code bridge.drainGraceSeconds}), the connections stay in presence and channels while
   * their clients reconnect to other nodes, and the node leaves the cluster after it; the janitor
   * then takes out only what did not come back, so a user who moved never flaps offline. Without
   * one, they leave presence at once. Completes when the node may go on stopping.
   */
  Future<Void> closeAll(long graceMs) {
    List<Future<Void>> left = new ArrayList<>();
    for (Connection c : List.copyOf(connections.values())) {
      c.write(Frame.closing(CloseCode.RESTART.code, "node shutting down, reconnect"));
      c.socket.close(CloseCode.RESTART.code, "node shutting down, reconnect");
      c.closed = true;
      connections.remove(c.id);
      if (c.sessionId != null) {
        owners.release(c.sessionId);
      }
      for (String address : c.registrations) {
        fanout.unsubscribe(address, c);
      }
      if (graceMs == 0) {
        left.add(membership.leaveAll(c));
      }
    }
    return graceMs == 0 ? Future.join(left).mapEmpty() : vertx.timer(graceMs).mapEmpty();
  }

  /**
   * Frames are handled in order. While one waits (a registration completing cluster-wide), later
   * frames wait in the connection's queue, at most {@code bridge.maxPendingInboundBytes} of them;
   * a WebSocket is also paused, so TCP pushes back. (A SockJS session is not paused: it would
   * queue what arrives without bound, where this queue has one.)
   */
  private void onData(Connection c, Buffer data) {
    c.lastSeen = System.currentTimeMillis();
    if (c.closed) {
      return;
    }
    if (!c.waiting) {
      process(c, data);
      return;
    }
    if (!c.queued(config.maxPendingInboundBytes()).offer(data)) {
      metrics.limited("pending_inbound");
      c.write(Frame.err(ErrorCode.RATE_LIMITED, "more than " + config.maxPendingInboundBytes() + " bytes of frames waiting"));
      close(c, CloseCode.FLOODING.code, "flooding: more than " + config.maxPendingInboundBytes() + " bytes of frames waiting", false);
    }
  }

  private static Buffer nextQueued(Connection c) {
    return c.queue == null ? null : c.queue.poll();
  }

  private void process(Connection c, Buffer data) {
    Buffer next = data;
    while (next != null) {
      Future<Void> f = dispatch(c, next);
      if (!f.isComplete()) {
        holdUntil(c, f);
        return;
      }
      next = nextQueued(c);
    }
  }

  /** Reads no frame of {@code c} until {@code f} completes (frames already read are queued), then goes on. */
  private void holdUntil(Connection c, Future<?> f) {
    c.waiting = true;
    if (c.tcp != null) {
      c.socket.pause();
    }
    f.onComplete(ar -> {
      c.waiting = false;
      c.lastSeen = System.currentTimeMillis(); // its pings could not be read while the server held it
      if (!c.closed) {
        if (c.tcp != null) {
          c.socket.resume();
        }
        process(c, nextQueued(c));
      }
    });
  }

  /** Handles one frame; the future completes when the next frame may be handled. */
  private Future<Void> dispatch(Connection c, Buffer data) {
    if (c.closed) {
      return Future.succeededFuture();
    }
    boolean ping = data.length() == PING.length() && data.equals(PING);
    if (!c.commandBucket(config.commandsPerSecond(), config.commandBurst()).tryTake(System.nanoTime())) {
      // every frame counts, answered or not, pings too
      metrics.limited("commands");
      metrics.refused.increment();
      c.write(Frame.err(ErrorCode.RATE_LIMITED, "at most " + config.commandsPerSecond() + " frames a second per connection"));
      return Future.succeededFuture();
    }
    if (ping) {
      metrics.frameIn(Frame.Type.PING);
      return Future.succeededFuture(); // what the official client sends every 5 s: no need to parse it
    }
    if (data.length() > config.maxFrameBytes()) {
      metrics.limited("frame_size");
      c.write(Frame.err(ErrorCode.TOO_LARGE, "frames are limited to " + config.maxFrameBytes() + " bytes"));
      return Future.succeededFuture();
    }
    Frame frame;
    try {
      frame = Frame.parse(data, maxJsonDepth);
    } catch (Frame.Invalid e) {
      metrics.refused.increment();
      c.write(e.answer());
      return Future.succeededFuture();
    }
    metrics.frameIn(frame.type());
    if (frame.type() == Frame.Type.PING) {
      return Future.succeededFuture();
    }
    if (frame.address().length() > config.maxAddressLength()) {
      c.write(Frame.err(ErrorCode.TOO_LARGE, "addresses are limited to " + config.maxAddressLength() + " characters"));
      return Future.succeededFuture();
    }
    Target target = Addresses.parse(frame.address());
    ReplyException refused = Permissions.check(c.principal, frame.type(), target, frame.body());
    if (refused != null) {
      refuse(c, frame, refused);
      return Future.succeededFuture();
    }
    return switch (frame.type()) {
      case UNREGISTER -> unregister(c, frame.address());
      case REGISTER -> register(c, frame, target);
      default -> sends.send(c, frame, target);
    };
  }

  private Future<Void> register(Connection c, Frame frame, Target target) {
    String address = frame.address();
    if (c.registrations.contains(address)) {
      return Future.succeededFuture();
    }
    if (c.registrations.size() >= config.maxHandlersPerSocket()) {
      refuse(c, frame, ErrorCode.RATE_LIMITED.exception("at most " + config.maxHandlersPerSocket() + " registrations per connection"));
      return Future.succeededFuture();
    }
    c.registrations.add(address);
    // the membership join is counted before the connection's next frame, so a member list or an
    // occupancy event that follows a register sees it
    return fanout.subscribe(address, c).compose(v -> target.kind() == Addresses.Kind.CHANNEL
        ? membership.joinChannel(c, target.arg()) : Future.<Void>succeededFuture()).recover(err -> {
      LOG.warn("registration of {} failed: {}", address, err.getMessage());
      c.registrations.remove(address);
      fanout.unsubscribe(address, c);
      refuse(c, frame, ErrorCode.asReply(err));
      return Future.succeededFuture();
    });
  }

  private Future<Void> unregister(Connection c, String address) {
    if (c.registrations.remove(address)) {
      fanout.unsubscribe(address, c);
      Target t = Addresses.parse(address);
      if (t.kind() == Addresses.Kind.CHANNEL) {
        membership.leaveChannel(c, t.arg());
      }
    }
    return Future.succeededFuture();
  }

  /**
   * The connection now runs on a refreshed token: registrations the new rights no longer allow
   * are dropped, each with an {@code err} on its address.
   */
  private void narrowRights(Connection c) {
    for (String address : List.copyOf(c.registrations)) {
      ReplyException refused = Permissions.check(c.principal, Frame.Type.REGISTER, Addresses.parse(address), null);
      if (refused != null) {
        unregister(c, address);
        metrics.refused.increment();
        c.write(Frame.err(address, ErrorCode.FORBIDDEN.exception("your refreshed token no longer allows " + address + ": unregistered")));
      }
    }
  }

  private void refuse(Connection c, Frame frame, ReplyException why) {
    metrics.refused.increment();
    c.write(Frame.refusal(frame, why));
  }

  /** Run every second: closes silent connections and those whose token ran out, warns those about to. */
  void sweep() {
    for (Sweep.Closing x : sweep.run(connections.values(), System.currentTimeMillis())) {
      if (x.lastFrame() != null) {
        x.connection().write(x.lastFrame());
      }
      close(x.connection(), x.code(), x.reason(), false);
    }
  }
}
