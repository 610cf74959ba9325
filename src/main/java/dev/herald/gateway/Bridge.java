package dev.herald.gateway;

import dev.herald.auth.Principal;
import dev.herald.bus.Addresses;
import dev.herald.bus.Addresses.Target;
import dev.herald.bus.ErrorCode;
import dev.herald.config.BridgeConfig;
import dev.herald.config.HeraldConfig;
import dev.herald.observability.TraceIds;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
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
  static final int CLOSE_IDLE = 4408;
  static final int CLOSE_TOKEN_EXPIRED = 4401;
  static final int CLOSE_TOO_BIG = 1009;
  static final int CLOSE_RESTART = 1012;
  static final int CLOSE_DISCONNECTED = 4403;
  static final int CLOSE_SERVER_ERROR = 1011;

  private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);
  private static final Buffer PING = Buffer.buffer("{\"type\":\"ping\"}");

  private final Vertx vertx;
  private final BridgeConfig config;
  private final Sweep sweep;
  private final BridgeMetrics metrics;
  private final LocalFanout fanout;
  private final MembershipLink membership;
  private final Sends sends;
  private final Map<String, Connection> connections = new HashMap<>();

  Bridge(Vertx vertx, HeraldConfig config, String nodeId) {
    this.vertx = vertx;
    this.config = config.bridge();
    this.sweep = new Sweep(config.heartbeat().timeoutSeconds() * 1000L, config.auth().expiryNoticeSeconds());
    this.metrics = new BridgeMetrics(vertx);
    this.fanout = new LocalFanout(vertx.eventBus(), metrics);
    this.membership = new MembershipLink(vertx.eventBus(), nodeId, this.config.replyTimeoutMs());
    this.sends = new Sends(vertx, this.config, metrics);
  }

  int connectionCount() {
    return connections.size();
  }

  int subscriptionCount() {
    return fanout.addresses();
  }

  @Override
  public void handle(SockJSSocket sock) {
    Principal principal = sock.routingContext() == null ? null : sock.routingContext().get(PRINCIPAL_KEY);
    if (principal == null) {
      // the authentication handler runs before every transport; this is a wiring error
      sock.close(CLOSE_TOKEN_EXPIRED, ErrorCode.UNAUTHORIZED.text);
      return;
    }
    Connection c = new Connection(TraceIds.newId(), sock, principal, System.currentTimeMillis());
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
   * causes is a WebSocket message over the size limit (Vert.x discards it and reports it here).
   */
  private void onError(Connection c, Throwable err) {
    String m = String.valueOf(err.getMessage());
    if (m.contains("max message size")) {
      c.write(Frame.err(ErrorCode.TOO_LARGE, "frames are limited to " + config.maxFrameBytes() + " bytes"));
      c.socket.close(CLOSE_TOO_BIG, ErrorCode.TOO_LARGE.text);
    } else {
      LOG.debug("connection {} of {} failed: {}", c.id, c.principal.userId(), m);
      c.socket.close(CLOSE_SERVER_ERROR, "transport error");
    }
    onClose(c);
  }

  private void onClose(Connection c) {
    if (c.closed) {
      return;
    }
    c.closed = true;
    connections.remove(c.id);
    metrics.disconnects.increment();
    for (String address : c.registrations) {
      fanout.unsubscribe(address, c);
    }
    c.registrations.clear();
    membership.leaveAll(c);
  }

  /** Closes every connection of {@code userId} here (the HTTP API's cluster-wide disconnect). */
  void disconnect(String userId) {
    for (Connection c : List.copyOf(connections.values())) {
      if (c.principal.userId().equals(userId)) {
        c.socket.close(CLOSE_DISCONNECTED, "disconnected by the server");
        onClose(c);
      }
    }
  }

  /**
   * Node shutdown: every client is told to reconnect elsewhere (close code 1012) and leaves
   * presence; completes when presence has taken note, so users connected on other nodes stay
   * online without a flap and the others go offline at once.
   */
  Future<Void> closeAll() {
    List<Future<Void>> left = new ArrayList<>();
    for (Connection c : List.copyOf(connections.values())) {
      c.socket.close(CLOSE_RESTART, "node shutting down, reconnect");
      c.closed = true;
      connections.remove(c.id);
      left.add(membership.leaveAll(c));
    }
    return Future.join(left).mapEmpty();
  }

  /**
   * Frames are handled in order. While one waits (a registration completing cluster-wide), the
   * socket is paused and frames that were already read wait in the connection's queue.
   */
  private void onData(Connection c, Buffer data) {
    c.lastSeen = System.currentTimeMillis();
    if (c.waiting) {
      c.queued().add(data);
    } else {
      process(c, data);
    }
  }

  private void process(Connection c, Buffer data) {
    Buffer next = data;
    while (next != null) {
      Future<Void> f = dispatch(c, next);
      if (!f.isComplete()) {
        holdUntil(c, f);
        return;
      }
      next = c.queue == null ? null : c.queue.poll();
    }
  }

  /** Reads no frame of {@code c} until {@code f} completes (the socket paused, frames already read queued), then goes on. */
  private void holdUntil(Connection c, Future<?> f) {
    c.waiting = true;
    c.socket.pause();
    f.onComplete(ar -> {
      c.waiting = false;
      c.lastSeen = System.currentTimeMillis(); // its pings could not be read while the server held it
      if (!c.closed) {
        c.socket.resume();
        process(c, c.queued().poll());
      }
    });
  }

  /** Handles one frame; the future completes when the next frame may be handled. */
  private Future<Void> dispatch(Connection c, Buffer data) {
    if (c.closed) {
      return Future.succeededFuture();
    }
    if (data.length() == PING.length() && data.equals(PING)) {
      metrics.frameIn(Frame.Type.PING);
      return Future.succeededFuture(); // what the official client sends every 5 s: no need to parse it
    }
    if (data.length() > config.maxFrameBytes()) {
      c.write(Frame.err(ErrorCode.TOO_LARGE, "frames are limited to " + config.maxFrameBytes() + " bytes"));
      return Future.succeededFuture();
    }
    Frame frame;
    try {
      frame = Frame.parse(data);
    } catch (Frame.Invalid e) {
      metrics.refused.increment();
      c.write(Frame.err(e.code, e.getMessage()));
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
      case UNREGISTER -> unregister(c, frame);
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
    return fanout.subscribe(address, c).onSuccess(v -> {
      if (target.kind() == Addresses.Kind.CHANNEL) {
        membership.joinChannel(c, target.arg());
      }
    }).recover(err -> {
      LOG.warn("registration of {} failed: {}", address, err.getMessage());
      c.registrations.remove(address);
      fanout.unsubscribe(address, c);
      refuse(c, frame, ErrorCode.asReply(err));
      return Future.succeededFuture();
    });
  }

  private Future<Void> unregister(Connection c, Frame frame) {
    if (c.registrations.remove(frame.address())) {
      fanout.unsubscribe(frame.address(), c);
      Target t = Addresses.parse(frame.address());
      if (t.kind() == Addresses.Kind.CHANNEL) {
        membership.leaveChannel(c, t.arg());
      }
    }
    return Future.succeededFuture();
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
      x.connection().socket.close(x.code(), x.reason());
      onClose(x.connection());
    }
  }
}
