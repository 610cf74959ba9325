package dev.herald.gateway;

import dev.herald.cluster.ClusterHandle;
import dev.herald.config.HeraldConfig;
import dev.herald.gateway.api.AdminPage;
import dev.herald.gateway.api.HttpApi;
import dev.herald.gateway.bridge.Backend;
import dev.herald.gateway.bridge.Bridge;
import dev.herald.gateway.bridge.ClusterWatch;
import dev.herald.gateway.bridge.SessionOwners;
import dev.herald.gateway.bridge.SockJsSetup;
import dev.herald.gateway.connection.ClientSocket;
import dev.herald.gateway.edge.AuthThrottle;
import dev.herald.gateway.edge.Bodies;
import dev.herald.gateway.edge.Edge;
import dev.herald.gateway.edge.EdgeRules;
import dev.herald.gateway.edge.EdgeTokens;
import dev.herald.gateway.bridge.SseRequest;
import dev.herald.gateway.edge.Responses;
import dev.herald.observability.Metrics;
import dev.herald.observability.Readiness;
import dev.herald.observability.TraceIds;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Headers;
import dev.herald.token.Principal;
import dev.herald.token.Revocations;
import dev.herald.token.TokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The client-facing HTTP server: the bridge at {@code /eventbus} (SockJS, and a raw WebSocket at
 * {@code /eventbus/websocket}) behind an Origin allowlist and token check, {@code /health},
 * {@code /ready}, {@code /dev/token} when dev tokens are on, and the demo page at {@code /}.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  private final HeraldConfig config;
  private final ClusterHandle cluster;
  private final String instanceId = TraceIds.newId();
  private TokenVerifier verifier;
  private Bridge bridge;
  private HttpServer server;
  private SessionOwners owners;
  private EdgeTokens tokens;
  private static final String SSE_PATH = EdgeRules.BRIDGE_PATH + "/sse";
  /** The cookie an event stream's token may come in. */
  static final String SSE_COOKIE = "herald_token";
  private Counter hijacks;
  private Revocations revocations;
  private boolean stopping;
  private ClusterWatch clusterWatch;
  private Backend backend;

  public GatewayVerticle(HeraldConfig config, ClusterHandle cluster) {
    this.config = config;
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    verifier = new TokenVerifier(vertx, config.auth().jwt());
    revocations = new Revocations(cluster.hazelcast());
    owners = new SessionOwners(vertx);
    tokens = new EdgeTokens(verifier, new AuthThrottle(config.http().authFailuresPerSecondPerIp()), revocations);
    hijacks = Metrics.counter(vertx, "herald_session_hijacks_refused", "requests on a SockJS session with another user's token (refused 403)");
    Edge edge = new Edge(vertx, config);
    backend = new Backend(vertx.eventBus(), config.proxy(), config.namespaces());
    bridge = new Bridge(vertx, config, cluster::nodeId, owners, edge.census(), backend, verifier);
    vertx.eventBus().<JsonObject>consumer(Addresses.GATEWAY_DISCONNECT, m -> bridge.connections().disconnect(m.body().getString("userId"), m.headers().get(Headers.TRACE_ID)));
    vertx.eventBus().<JsonObject>consumer(Addresses.GATEWAY_UNSUBSCRIBE, m -> bridge.unsubscribe(m.body().getString("userId"),
        m.body().getString("channel"), m.headers().get(Headers.TRACE_ID)));
    vertx.eventBus().localConsumer(Addresses.GATEWAY_LOAD, m -> m.reply(GatewayLoad.local(vertx)));
    clusterWatch = new ClusterWatch(vertx, context, cluster.hazelcast(), bridge.rejoin());
    vertx.eventBus().<JsonObject>localConsumer(Addresses.NOTICES, m -> bridge.connections().notice(m.body()));
    vertx.setPeriodic(1000, id -> {
      bridge.sweep();
      // a node without the majority keeps its clients but cannot store their publishes: it tells them
      Readiness.dependency(vertx, "cluster majority", cluster.hasQuorum() ? null : "lost");
      GatewayLoad.report(vertx, instanceId, bridge.connectionCount(), bridge.subscriptionCount());
    });
    SockJsSetup sockJs = new SockJsSetup(config.bridge(), config.http());

    Router router = Router.router(vertx);
    edge.mount(router);
    // the bridge first: a connect (the most frequent request, thousands a second in a reconnect
    // storm) then tests five routes, not the twenty of the API and console with their patterns
    router.route(EdgeRules.BRIDGE_PATH + "/*").handler(this::checkOrigin).handler(this::authenticate);
    router.get(EdgeRules.BRIDGE_PATH + "/websocket").handler(this::rawWebSocket);
    router.get(EdgeRules.BRIDGE_PATH + "/sse").handler(this::eventStream);
    router.get(EdgeRules.BRIDGE_PATH + "/info").handler(sockJs::info);
    // only the transports that send bodies: xhr and xhr_streaming are POSTs too, but long-lived and
    // empty (no capturing group: SockJS reads the session id from the request's param0)
    Bodies.on(router.postWithRegex(EdgeRules.BRIDGE_PATH + "/[^/]+/[^/]+/(?:xhr_send|jsonp_send)"), config.bridge().maxFrameBytes() * 2L, config.http());
    router.route(EdgeRules.BRIDGE_PATH + "/*").subRouter(SockJSHandler.create(vertx, sockJs.options()).socketHandler(bridge));
    router.get("/health").handler(ctx -> Responses.json(ctx, 200, new JsonObject().put("status", "up").put("node", config.node().name())));
    router.get("/ready").handler(this::ready);
    router.get("/metrics").handler(this::metricsAccess).handler(PrometheusScrapingHandler.create(Metrics.of(vertx)));
    if (config.auth().devTokens()) {
      Bodies.on(router.post("/dev/token"), config.http().maxBodyBytes(), config.http()).handler(this::devToken);
    }
    new HttpApi(vertx, config, tokens, revocations).mount(router);
    new AdminPage(tokens, config.http()).mount(router);
    router.get(SockJsSetup.LIBRARY_URL).handler(ctx -> ctx.reroute("/webjars/sockjs-client/1.6.1/dist/sockjs.min.js"));
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(true));
    router.get("/*").handler(StaticHandler.create("webroot"));
    router.route().last().handler(ctx -> Responses.error(ctx, ErrorCode.NOT_FOUND.exception("no such path: " + ctx.request().path())));
    router.route().failureHandler(this::failure);

    int wsLimit = ClientSocket.messageLimit(config.bridge());
    HttpServerOptions opts = new HttpServerOptions()
        .setHost(config.http().host())
        .setPort(config.http().port())
        // h2c upgrade stalls the JDK's HttpClient (it asks for it by default); browsers never use h2c
        .setHttp2ClearTextEnabled(false)
        // every write happens on the connection's event loop: skip Vert.x's cross-thread queue
        // (measured: ~10% less CPU per fan-out delivery, one queue less per connection)
        .setStrictThreadMode(true)
        // WebSocket frames stay at the 64 KB default: Vert.x splits what it sends at the same size it
        // accepts, and clients with default limits (Vert.x's own) refuse larger frames, so a large
        // answer (history) must go out as several. A message may be larger, in several frames, up
        // to the bridge's frame limit (err too_large past it) and twice that (close 1009 past it);
        // one frame over 64 KB is closed with 1009 after an err too_large
        .setMaxWebSocketMessageSize(wsLimit)
        // a token rides in the request line (?token=) or a header: room for a large one, and no more
        .setMaxInitialLineLength(config.http().maxHeaderBytes())
        .setMaxHeaderSize(config.http().maxHeaderBytes())
        .setPerMessageWebSocketCompressionSupported(config.http().compression())
        .setPerFrameWebSocketCompressionSupported(config.http().compression());
    return vertx.createHttpServer(opts).connectionHandler(edge::opened).requestHandler(router).listen().onSuccess(s -> server = s);
  }

  /** Sends every client elsewhere (1012), out of presence and channels, then closes the server (/ready 503 from the start). */
  @Override
  public Future<?> stop() {
    GatewayLoad.forget(vertx, instanceId);
    clusterWatch.close();
    stopping = true;
    long grace = bridge.connectionCount() == 0 ? 0 : config.bridge().drainGraceSeconds() * 1000L;
    return bridge.connections().closeAll(grace).compose(v -> server == null ? Future.succeededFuture() : server.close());
  }

  private void ready(RoutingContext ctx) {
    String why = Readiness.notReadyBecause(vertx);
    if (why == null) {
      // every feature's figures on this node (the cluster's heartbeats, the webhook queue), then this gateway's
      JsonObject body = Readiness.allFigures(vertx).put("status", "ready").put("node", config.node().name())
          .put("load", GatewayLoad.local(vertx))
          .put("degraded", new JsonObject(new java.util.HashMap<>(Readiness.degraded(vertx))));
      // these ask other members: a worker thread, not the event loop, waits for them
      vertx.executeBlocking(() -> body.put("clusterSafe", cluster.isSafe()).put("busRegistrations", cluster.busRegistrations()), false)
          .onComplete(ar -> Responses.json(ctx, 200, ar.succeeded() ? ar.result() : body.put("clusterSafe", false)));
    } else {
      Responses.json(ctx, 503, new JsonObject().put("status", "not_ready").put("node", config.node().name()).put("reason", why));
    }
  }

  private void checkOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    if (config.http().originAllowed(origin)) {
      ctx.next();
    } else {
      Responses.error(ctx, ErrorCode.FORBIDDEN.exception("origin " + origin + " is not allowed"));
    }
  }

  /**
   * The token in {@code ?token=} decides who the connection is. A request on a SockJS session
   * that already exists must carry a token of the session's owner (refused 403 and logged
   * otherwise); its expiry does not matter there, since the session's own token, refreshed on the
   * connection, decides how long it lives, while the fallback transports keep the URL they
   * were opened with.
   */
  private void authenticate(RoutingContext ctx) {
    if (stopping) {
      // draining: clients are being sent to other nodes, and must not come back here
      Responses.error(ctx, ErrorCode.UNAVAILABLE.exception("node stopping, connect to another"));
      return;
    }
    String session = SessionOwners.sessionOf(ctx.normalizedPath());
    String owner = owners.owner(session);
    String token = ctx.request().getParam("token");
    if (token == null && ctx.normalizedPath().equals(SSE_PATH) && ctx.request().getCookie(SSE_COOKIE) != null) {
      if (config.http().allowedOrigins().contains("*")) {
        // a browser sends the cookie with a stream any site opens (withCredentials): only named sites may rely on it
        Responses.error(ctx, ErrorCode.UNAUTHORIZED.exception("the " + SSE_COOKIE
            + " cookie is taken only where http.allowedOrigins names your sites, not \"*\": pass ?token= instead"));
        return;
      }
      // an EventSource sends no headers of its own: a cookie the page's backend set carries its token (refreshed by the next reconnect)
      token = ctx.request().getCookie(SSE_COOKIE).getValue();
    }
    boolean proxied = token == null && backend.connects();
    if (proxied && owner == null && !bridge.connections().admitsNow()) { // the backend is not asked for a connection turned away
      ctx.response().putHeader("Retry-After", "1");
      Responses.error(ctx, ErrorCode.UNAVAILABLE.exception("node busy: at bridge.connectsPerSecond, retry in a second"));
      return;
    }
    Future<Principal> who = proxied ? backend.connectWithoutToken(ctx, session, owners, tokens) : tokens.check(ctx, token, owner != null);
    who.onComplete(ar -> {
      if (ar.failed()) {
        Responses.error(ctx, ErrorCode.asReply(ar.cause()));
      } else if (owner != null && !owner.equals(ar.result().userId())) {
        hijacks.increment();
        LOG.warn("refused {} {} from {}: a SockJS session of another user, token of {}", ctx.request().method(),
            ctx.request().path(), EdgeTokens.address(ctx), ar.result().userId());
        Responses.error(ctx, ErrorCode.FORBIDDEN.exception("this session belongs to another user"));
      } else {
        ctx.put(Bridge.PRINCIPAL_KEY, ar.result());
        ctx.next();
      }
    });
  }

  /**
   * The raw WebSocket endpoint, upgraded here rather than by SockJS (which keeps each connection's
   * upgrade request and routing context for its whole life); other methods on its path reach
   * SockJS, which answers 405.
   */
  private void rawWebSocket(RoutingContext ctx) {
    Principal principal = ctx.get(Bridge.PRINCIPAL_KEY);
    if (!ctx.request().canUpgradeToWebSocket()) {
      Responses.error(ctx, ErrorCode.BAD_REQUEST.exception("this path takes a WebSocket upgrade"));
      return;
    }
    ctx.request().toWebSocket().onSuccess(ws -> bridge.handleRaw(ws, principal, ctx)).onFailure(ctx::fail);
  }

  /**
   * {@code GET /eventbus/sse}: a Server-Sent Events stream, authenticated like any bridge
   * connection ({@code ?token=}, the {@value #SSE_COOKIE} cookie, or the connect proxy).
   */
  private void eventStream(RoutingContext ctx) {
    if (config.bridge().sseMaxChannels() == 0) {
      Responses.error(ctx, ErrorCode.NOT_FOUND.exception("Server-Sent Events are off here (bridge.sseMaxChannels 0)"));
      return;
    }
    SseRequest request;
    try {
      request = SseRequest.from(ctx, config.bridge().sseMaxChannels());
    } catch (io.vertx.core.eventbus.ReplyException e) {
      Responses.error(ctx, e);
      return;
    }
    bridge.handleSse(ctx, ctx.get(Bridge.PRINCIPAL_KEY), request);
  }

  /** {@code /metrics} with {@code http.metricsToken} set: only with that bearer token. */
  private void metricsAccess(RoutingContext ctx) {
    String token = config.http().metricsToken();
    String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (token == null || (auth != null && MessageDigest.isEqual(("Bearer " + token).getBytes(StandardCharsets.UTF_8),
        auth.getBytes(StandardCharsets.UTF_8)))) {
      ctx.next();
    } else {
      Responses.error(ctx, ErrorCode.UNAUTHORIZED.exception("/metrics needs Authorization: Bearer <http.metricsToken>"));
    }
  }

  /**
   * {@code POST /dev/token {"sub", "channels"?, "publish"?, "watch"?}}: a signed token, dev mode
   * only. It never carries roles: a service token is signed with the deployment's own key.
   */
  private void devToken(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null) {
      Responses.error(ctx, ErrorCode.BAD_REQUEST.exception("body must be a JSON object like {\"sub\": \"alice\", \"channels\": [\"room.*\"]}"));
      return;
    }
    if (body.containsKey("roles")) {
      Responses.error(ctx, ErrorCode.FORBIDDEN.exception("dev tokens carry no roles: sign service tokens with your own key"));
      return;
    }
    int ttl = config.auth().devTokenTtlSeconds();
    JsonObject claims = new JsonObject();
    for (String k : new String[] {"sub", "channels", "publish", "watch"}) {
      if (body.containsKey(k)) {
        claims.put(k, body.getValue(k));
      }
    }
    try {
      // validate exactly as a connecting client's token would be
      Principal.fromClaims(claims.copy().put("exp", System.currentTimeMillis() / 1000 + ttl));
    } catch (IllegalArgumentException e) {
      Responses.error(ctx, ErrorCode.BAD_REQUEST.exception(e.getMessage()));
      return;
    }
    String token = verifier.sign(claims, ttl);
    Responses.json(ctx, 200, new JsonObject().put("token", token).put("sub", claims.getString("sub")).put("expiresIn", ttl));
  }

  private void failure(RoutingContext ctx) {
    ErrorCode code = switch (ctx.statusCode()) {
      case 400 -> ErrorCode.BAD_REQUEST;
      case 401 -> ErrorCode.UNAUTHORIZED;
      case 403 -> ErrorCode.FORBIDDEN;
      case 404 -> ErrorCode.NOT_FOUND;
      case 408 -> ErrorCode.TIMEOUT;
      case 413 -> ErrorCode.TOO_LARGE;
      default -> ErrorCode.UNAVAILABLE;
    };
    String detail = ctx.failure() == null ? null : ctx.failure().getMessage();
    if (ctx.response().headWritten()) {
      ctx.request().connection().close();
      return;
    }
    Responses.error(ctx, code.exception(detail));
  }
}
