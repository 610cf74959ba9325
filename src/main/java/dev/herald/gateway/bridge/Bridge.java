package dev.herald.gateway.bridge;

import dev.herald.bus.PresenceClient;
import dev.herald.config.BridgeConfig;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Role;
import dev.herald.gateway.connection.BridgeMetrics;
import dev.herald.gateway.connection.ClientSocket;
import dev.herald.gateway.connection.Connection;
import dev.herald.gateway.connection.FrameGuard;
import dev.herald.gateway.connection.SseEvents;
import dev.herald.gateway.connection.SseSocket;
import dev.herald.gateway.edge.ConnectionCensus;
import dev.herald.gateway.fanout.LocalFanout;
import dev.herald.gateway.fanout.MembershipLink;
import dev.herald.observability.TraceIds;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.Addresses.Target;
import dev.herald.protocol.CloseCode;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Frame;
import dev.herald.token.Principal;
import dev.herald.token.TokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

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
public final class Bridge implements Handler<SockJSSocket> {

  public static final String PRINCIPAL_KEY = "herald.principal";

  private static final Buffer PING = Buffer.buffer("{\"type\":\"ping\"}");

  private final BridgeConfig config;
  private final Vertx vertx;
  private final long silenceMs;
  private final int maxJsonDepth;
  private final Sweep sweep;
  private final BridgeMetrics metrics;
  private final LocalFanout fanout;
  private final MembershipLink membership;
  private final Sends sends;
  private final Registrations registrations;
  private final Connections connections;
  private final Grants grants;
  private final Rejoin rejoin;
  private final Contacts contacts;

  public Bridge(Vertx vertx, HeraldConfig config, Supplier<String> nodeId, SessionOwners owners, ConnectionCensus census, Backend backend,
         TokenVerifier subscriptionTokens) {
    this.config = config.bridge();
    this.vertx = vertx;
    this.silenceMs = config.heartbeat().timeoutSeconds() * 1000L;
    this.maxJsonDepth = config.http().maxJsonDepth();
    this.sweep = new Sweep(config.heartbeat().timeoutSeconds() * 1000L, config.auth().expiryNoticeSeconds());
    this.metrics = new BridgeMetrics(vertx);
    dev.herald.bus.ChannelClient channels = new dev.herald.bus.ChannelClient(vertx.eventBus());
    this.fanout = new LocalFanout(vertx, metrics, channels, this.config.registerSettleMs());
    this.membership = new MembershipLink(vertx, nodeId, this.config.replyTimeoutMs());
    this.registrations = new Registrations(fanout, membership, metrics, this.config.maxHandlersPerSocket(), config.namespaces(),
        channels, this.config.replyTimeoutMs());
    this.sends = new Sends(vertx, this.config, metrics, registrations::narrowRights);
    this.grants = new Grants(config.namespaces(), backend, subscriptionTokens, registrations, sends, metrics, this.config.maxHandlersPerSocket());
    this.connections = new Connections(vertx, this.config, metrics, fanout, membership, owners, census, config.roles().instances(Role.GATEWAY));
    PresenceClient presence = new PresenceClient(vertx.eventBus());
    this.rejoin = new Rejoin(connections, membership, fanout, presence, this.config.replyTimeoutMs());
    this.contacts = new Contacts(fanout, presence, sends, metrics, this.config.maxContacts(), this.config.replyTimeoutMs());
  }

  public int connectionCount() {
    return connections.count();
  }

  /** A backend took {@code userId} off {@code channel} ({@link Grants#unsubscribe}). */
  public void unsubscribe(String userId, String channel, String traceId) {
    grants.unsubscribe(connections.all(), userId, channel, traceId);
  }

  public int subscriptionCount() {
    return fanout.addresses();
  }

  /** The connections here: closing a user's or all of them, admission, notices. */
  public Connections connections() {
    return connections;
  }

  public Rejoin rejoin() { // for ClusterWatch: what the gateway does when the cluster forgot part of it
    return rejoin;
  }

  /** A SockJS session, on any transport (its websocket one included). */
  @Override
  public void handle(SockJSSocket sock) {
    RoutingContext ctx = sock.routingContext();
    Principal principal = ctx == null ? null : ctx.get(PRINCIPAL_KEY);
    if (principal == null) {
      // the authentication handler runs before every transport; this is a wiring error
      sock.close(CloseCode.TOKEN_EXPIRED.code, ErrorCode.UNAUTHORIZED.text);
      return;
    }
    String path = ctx.normalizedPath();
    boolean webSocket = path.endsWith("/websocket");
    open(ClientSocket.sockJs(sock, webSocket ? ctx.request().connection() : null), principal,
        webSocket ? null : SessionOwners.sessionOf(path), false, ctx);
  }

  /** Herald's raw WebSocket endpoint: {@code principal} is who the handshake's token (or the connect proxy) named. */
  public void handleRaw(ServerWebSocket ws, Principal principal, RoutingContext handshake) {
    open(ClientSocket.raw(ws, ClientSocket.messageLimit(config)), principal, null, true, handshake);
  }

  /**
   * A Server-Sent Events stream ({@link SseSocket}): a connection like any other, whose
   * registrations and history reads the stream sends for it.
   */
  public void handleSse(RoutingContext ctx, Principal principal, SseRequest request) {
    if (ctx.response().closed()) {
      return; // the client left while its token or the connect proxy was being checked
    }
    SseEvents events = new SseEvents();
    List<JsonObject> first = new ArrayList<>();
    request.channels().forEach(ch -> first.add(register(Addresses.channel(ch))));
    request.users().forEach(u -> first.add(register(Addresses.presenceUser(u))));
    if (request.inbox()) {
      first.add(register(Addresses.inbox(principal.userId())));
    }
    // positions of the channels the stream has (named, or server-side subscriptions): its id holds no others
    java.util.Map<String, SseEvents.Position> resume = new java.util.LinkedHashMap<>(request.resume());
    resume.keySet().retainAll(union(request.channels(), principal.subscribe()));
    first.addAll(events.open(request.channels(), resume));
    // answered once the frames before it were: the stream is subscribed
    first.add(new JsonObject().put("type", "send").put("address", Addresses.SESSION).put("replyAddress", SseEvents.READY));
    // a keep-alive well inside the silence the sweep closes connections for
    long keepAliveMs = Math.min(15_000, Math.max(500, silenceMs / 3));
    SseSocket socket = new SseSocket(vertx, ctx.response(), ctx.request().connection(), events, first, keepAliveMs);
    Connection c = open(socket, principal, null, false, ctx);
    if (c != null) {
      socket.onKeepAlive(() -> c.lastSeen = System.currentTimeMillis());
    }
  }

  private static java.util.Set<String> union(java.util.Collection<String> a, java.util.Collection<String> b) {
    java.util.Set<String> out = new java.util.HashSet<>(a);
    out.addAll(b);
    return out;
  }

  private static JsonObject register(String address) {
    return new JsonObject().put("type", "register").put("address", address);
  }

  /**
   * @param handshake the request that opened it: whether the connect proxy let it in, and what it handed the client
   * @return the connection, or null when it was turned away
   */
  private Connection open(ClientSocket socket, Principal principal, String sessionId, boolean raw, RoutingContext handshake) {
    if (connections.turnedAway(socket)) {
      return null;
    }
    Connection c = new Connection(TraceIds.newId(), socket, sessionId, raw, principal, System.currentTimeMillis(),
        config.maxQueuedBytes(), connections::slowConsumer);
    c.proxied = Boolean.TRUE.equals(handshake.get(Grants.PROXIED_KEY));
    c.connectData = handshake.get(Grants.CONNECT_DATA_KEY);
    if (!connections.add(c)) {
      metrics.limited(BridgeMetrics.Bound.CONNECTIONS_PER_USER);
      String why = "at most " + config.maxConnectionsPerUser() + " connections per user on a node";
      socket.write(Frame.closing(CloseCode.TOO_MANY_CONNECTIONS.code, why)).onComplete(ar -> socket.close(CloseCode.TOO_MANY_CONNECTIONS.code, why));
      return null;
    }
    socket.handlers(data -> onData(c, data), v -> connections.forget(c, true), err -> connections.failed(c, err));
    socket.guard(new FrameGuard.Listener() {
      @Override
      public boolean admit() {
        return !c.life.closed() && takeFrame(c);
      }

      @Override
      public void unread() {
        connections.slowConsumer(c);
      }
    });
    // frames wait until presence counts the connection, so a status set right after opening
    // cannot be overtaken by the connect
    holdUntil(c, membership.joinPresence(c).compose(v -> grants.serverSubscriptions(c)).onSuccess(v -> connections.greet(c)));
    return c;
  }

  /**
   * Frames are handled in order. While one waits (a registration completing cluster-wide), later
   * frames wait in the connection's queue, at most {@code bridge.maxPendingInboundBytes} of them;
   * a WebSocket is also paused, so TCP pushes back. (A SockJS session is not paused: it would
   * queue what arrives without bound, where this queue has one.)
   */
  private void onData(Connection c, Buffer data) {
    c.lastSeen = System.currentTimeMillis();
    if (c.life.closed()) {
      return;
    }
    if (!c.waiting) {
      process(c, data);
      return;
    }
    if (!c.queued(config.maxPendingInboundBytes()).offer(data)) {
      metrics.limited(BridgeMetrics.Bound.PENDING_INBOUND);
      c.write(Frame.err(ErrorCode.RATE_LIMITED, "more than " + config.maxPendingInboundBytes() + " bytes of frames waiting"));
      connections.close(c, CloseCode.FLOODING.code, "flooding: more than " + config.maxPendingInboundBytes() + " bytes of frames waiting", false);
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
    if (c.socket.webSocket()) {
      c.socket.pause();
    }
    f.onComplete(ar -> {
      c.waiting = false;
      c.lastSeen = System.currentTimeMillis(); // its pings could not be read while the server held it
      if (!c.life.closed()) {
        if (c.socket.webSocket()) {
          c.socket.resume();
        }
        process(c, nextQueued(c));
      }
    });
  }

  /**
   * A WebSocket frame the bridge never sees as a message (ping, pong, a fragment): it takes from
   * the same rate as any frame, and one over it closes the connection as flooding, since there is
   * no message to answer with an err.
   */
  private boolean takeFrame(Connection c) {
    if (c.commandBucket(config.commandsPerSecond(), config.commandBurst()).tryTake(System.nanoTime())) {
      return true;
    }
    metrics.limited(BridgeMetrics.Bound.COMMANDS);
    c.write(Frame.err(ErrorCode.RATE_LIMITED, "at most " + config.commandsPerSecond() + " frames a second per connection, control frames and fragments included"));
    connections.close(c, CloseCode.FLOODING.code, "flooding: more than " + config.commandsPerSecond() + " frames a second", false);
    return false;
  }

  /** Handles one frame; the future completes when the next frame may be handled. */
  private Future<Void> dispatch(Connection c, Buffer data) {
    if (c.life.closed()) {
      return Future.succeededFuture();
    }
    boolean ping = data.length() == PING.length() && data.equals(PING);
    if (!c.commandBucket(config.commandsPerSecond(), config.commandBurst()).tryTake(System.nanoTime())) {
      // every frame counts, answered or not, pings too
      metrics.limited(BridgeMetrics.Bound.COMMANDS);
      metrics.refused.increment();
      c.write(Frame.err(ErrorCode.RATE_LIMITED, "at most " + config.commandsPerSecond() + " frames a second per connection"));
      return Future.succeededFuture();
    }
    if (ping) {
      metrics.frameIn(Frame.Type.PING);
      return Future.succeededFuture(); // what the official client sends every 5 s: no need to parse it
    }
    if (data.length() > config.maxFrameBytes()) {
      metrics.limited(BridgeMetrics.Bound.FRAME_SIZE);
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
    if (c.settling != null && frame.type() != Frame.Type.REGISTER) {
      // registers before it still wait for their channels' owners: this frame sees them in effect
      c.settling.removeIf(Future::isComplete);
      if (!c.settling.isEmpty()) {
        Future<?> all = Future.join(c.settling); // one join of them all, not a chain as long as the run
        c.settling = null;
        return all.transform(ar -> c.life.closed() ? Future.succeededFuture() : handle(c, frame, target));
      }
      c.settling = null;
    }
    return handle(c, frame, target);
  }

  private Future<Void> handle(Connection c, Frame frame, Target target) {
    Future<Void> decided = grants.decide(c, frame, target);
    if (decided != null) {
      return decided;
    }
    return switch (frame.type()) {
      case UNREGISTER -> registrations.unregister(c, frame.address(), TraceIds.given(frame.headers()));
      case REGISTER -> {
        // a run of registers goes ahead at once, each waiting for its channel's owner meanwhile
        // (LocalFanout#subscribe); the next frame of another type waits for them all
        Future<Void> done = registrations.register(c, frame, target);
        if (!done.isComplete()) {
          if (c.settling == null) {
            c.settling = new ArrayList<>(4);
          }
          c.settling.add(done);
        }
        yield Future.succeededFuture();
      }
      default -> switch (target.kind()) {
        case SESSION -> sends.answer(c, frame, Sends.session(c));
        case CONTACTS -> contacts.set(c, frame);
        default -> sends.send(c, frame, target, null);
      };
    };
  }

  /** Run every second: closes silent connections and those whose token ran out, warns those about to (a proxied one the backend may extend). */
  public void sweep() {
    for (Sweep.Closing x : sweep.run(connections.all(), System.currentTimeMillis(), grants::refreshedByBackend)) {
      if (x.lastFrame() != null) {
        x.connection().write(x.lastFrame());
      }
      connections.close(x.connection(), x.code(), x.reason(), false);
    }
  }
}
