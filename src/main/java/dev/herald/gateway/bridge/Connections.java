package dev.herald.gateway.bridge;

import dev.herald.config.BridgeConfig;
import dev.herald.gateway.connection.BridgeMetrics;
import dev.herald.gateway.connection.ClientSocket;
import dev.herald.gateway.connection.Connection;
import dev.herald.gateway.edge.ConnectAdmission;
import dev.herald.gateway.edge.ConnectionCensus;
import dev.herald.gateway.fanout.LocalFanout;
import dev.herald.gateway.fanout.MembershipLink;
import dev.herald.observability.Readiness;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.CloseCode;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Frame;
import dev.herald.protocol.message.Notice;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live connections of a gateway instance, and how each one ends: closed by the server with a
 * code the client can tell apart, cut when it does not read, forgotten when it closed.
 */
public final class Connections {

  private static final Logger LOG = LoggerFactory.getLogger(Connections.class);
  static final long CUT_AFTER_MS = 5000;

  private final Vertx vertx;
  private final BridgeConfig config;
  private final BridgeMetrics metrics;
  private final ConnectAdmission admission;
  private final LocalFanout fanout;
  private final MembershipLink membership;
  private final SessionOwners owners;
  private final ConnectionCensus census;
  private final Map<String, Connection> connections = new HashMap<>();

  /** @param instances the node's gateway instances, which share {@code bridge.connectsPerSecond} */
  Connections(Vertx vertx, BridgeConfig config, BridgeMetrics metrics, LocalFanout fanout, MembershipLink membership,
              SessionOwners owners, ConnectionCensus census, int instances) {
    this.admission = new ConnectAdmission(Math.max(1, config.connectsPerSecond() / Math.max(1, instances)), System.nanoTime());
    this.census = census;
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.fanout = fanout;
    this.membership = membership;
    this.owners = owners;
  }

  private boolean draining;

  /**
   * Counts a new connection, unless its user holds the most a node allows
   * ({@code bridge.maxConnectionsPerUser}): then false, and nothing is counted.
   */
  boolean add(Connection c) {
    if (!census.userOpened(c.principal.userId())) {
      return false;
    }
    if (c.sessionId != null) {
      owners.claim(c.sessionId, c.principal.userId());
    }
    connections.put(c.id, c);
    metrics.connects.increment();
    return true;
  }

  int count() {
    return connections.size();
  }

  /**
   * Whether a socket just upgraded is sent away before it counts for anything: the node is
   * stopping (reconnect elsewhere), or it took all the new connections it takes this moment
   * ({@link ConnectAdmission}: retry at the slot it names).
   */
  boolean turnedAway(ClientSocket socket) {
    if (draining) {
      socket.write(Frame.closing(CloseCode.RESTART.code, "node shutting down, reconnect"));
      socket.close(CloseCode.RESTART.code, "node shutting down, reconnect");
      return true;
    }
    long wait = admission.admit(System.nanoTime());
    if (wait == 0) {
      return false;
    }
    metrics.limited(BridgeMetrics.Bound.CONNECT_RATE);
    String why = "node busy: retry in " + wait + " ms";
    socket.write(Frame.closing(CloseCode.TRY_AGAIN_LATER.code, why, wait)).onComplete(ar -> socket.close(CloseCode.TRY_AGAIN_LATER.code, why));
    return true;
  }

  /** The notice's {@code what} for a node that is shutting down. */
  static final String DRAINING = "node draining";

  /** A backend-health notice ({@link Notice}) to every connection here, on {@code rt.notices}. */
  public void notice(JsonObject notice) {
    Buffer frame = Frame.rec(Addresses.CLIENT_NOTICES, notice);
    connections.values().forEach(c -> c.write(frame));
  }

  /** What is degraded now, to a connection just opened (it missed the notices before it came). */
  void greet(Connection c) {
    for (Notice n : Readiness.notices(vertx)) {
      c.write(Frame.rec(Addresses.CLIENT_NOTICES, n.toJson()));
    }
  }

  /** Whether a new connection would be let in this moment (asked before a connect proxy's call). */
  public boolean admitsNow() {
    return admission.open(System.nanoTime());
  }

  /** The node is stopping: a socket upgraded from now on is sent elsewhere at once ({@link #closeAll}). */
  boolean draining() {
    return draining;
  }

  Collection<Connection> all() {
    return connections.values();
  }

  /**
   * Forgets a connection that closed: its subscriptions here, its session's owner, and (with
   * {@code leave}) its presence and memberships. Returns when presence has taken note.
   */
  Future<Void> forget(Connection c, boolean leave) {
    if (!c.life.close(!leave)) {
      return Future.succeededFuture();
    }
    connections.remove(c.id);
    census.userClosed(c.principal.userId());
    if (c.sessionId != null) {
      owners.release(c.sessionId);
    }
    metrics.disconnects.increment();
    if (c.contacts != null) {
      c.contacts.forEach(user -> fanout.unfollow(user, c));
      c.contacts = null;
    }
    for (String address : c.registrations) {
      fanout.unsubscribe(address, c);
    }
    c.registrations.clear();
    c.queue = null;
    return leave ? membership.leaveAll(c) : Future.succeededFuture();
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
  void close(Connection c, int code, String reason, boolean cut) {
    if (c.life.closed()) {
      return;
    }
    if (cut && c.socket.webSocket()) {
      forget(c, true);
      c.socket.cut();
      return;
    }
    Buffer last = Frame.closing(code, reason);
    if (c.rawWebSocket) {
      c.write(last);
      c.socket.close(code, reason);
      forget(c, true);
    } else {
      // a SockJS session (any transport, its websocket one too) drops what is still queued when
      // it closes: close once the last frame went out
      forget(c, true);
      c.socket.write(last).onComplete(ar -> c.socket.close(code, reason));
    }
    if (c.socket.webSocket()) {
      vertx.setTimer(CUT_AFTER_MS, id -> c.socket.cut());
    }
  }

  void slowConsumer(Connection c) {
    metrics.limited(BridgeMetrics.Bound.SLOW_CONSUMER);
    LOG.info("closing connection {} of {}: a slow consumer ({} bytes unread, bridge.maxQueuedBytes {})",
        c.id, c.principal.userId(), c.backlog, config.maxQueuedBytes());
    // not now: a fan-out may be walking the subscribers this close removes it from
    vertx.runOnContext(v -> close(c, CloseCode.SLOW_CONSUMER.code, "slow consumer: more than " + config.maxQueuedBytes() + " bytes unread", true));
  }

  /** Closes every connection of {@code userId} here; {@code traceId} (may be null) traces their leaving. */
  public void disconnect(String userId, String traceId) {
    for (Connection c : List.copyOf(connections.values())) {
      if (c.principal.userId().equals(userId)) {
        c.closedBy = traceId;
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
  public Future<Void> closeAll(long graceMs) {
    draining = true;
    List<Future<Void>> left = new ArrayList<>();
    // each client is told a moment of its own within the first half of the grace period: they come
    // back spread, not all at once, and before the grace ends (else they would flap offline)
    long spreadMs = Math.max(graceMs / 2, 500);
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    long now = System.currentTimeMillis();
    // what the app can show until it is connected again (herald-client.js clears it then)
    Buffer draining = Frame.rec(Addresses.CLIENT_NOTICES, new Notice(DRAINING, "draining", now, now).toJson());
    for (Connection c : List.copyOf(connections.values())) {
      c.write(draining);
      // the close waits for the last frame to be written: a polling transport would lose it (and its hint) otherwise
      c.socket.write(Frame.closing(CloseCode.RESTART.code, "node shutting down, reconnect", random.nextLong(spreadMs)))
          .onComplete(ar -> c.socket.close(CloseCode.RESTART.code, "node shutting down, reconnect"));
      left.add(forget(c, graceMs == 0));
    }
    return graceMs == 0 ? Future.join(left).mapEmpty() : vertx.timer(graceMs).mapEmpty();
  }

  /**
   * A transport error ends the connection with a reason, never a silent drop. The one a client
   * causes is a WebSocket message over the size limit (Vert.x discards it and reports an
   * IllegalStateException; Netty a corrupted or too-long frame).
   */
  void failed(Connection c, Throwable err) {
    if (err instanceof IllegalStateException || err instanceof io.netty.handler.codec.CorruptedFrameException
        || err instanceof io.netty.handler.codec.TooLongFrameException) {
      metrics.limited(BridgeMetrics.Bound.FRAME_SIZE);
      c.write(Frame.err(ErrorCode.TOO_LARGE, "frames are limited to " + config.maxFrameBytes() + " bytes"));
      close(c, CloseCode.TOO_BIG.code, ErrorCode.TOO_LARGE.text, false);
    } else {
      LOG.debug("connection {} of {} failed: {}", c.id, c.principal.userId(), err.toString());
      close(c, CloseCode.SERVER_ERROR.code, "transport error", false);
    }
  }
}
