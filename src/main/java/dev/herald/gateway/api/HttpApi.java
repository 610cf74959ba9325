package dev.herald.gateway.api;

import dev.herald.bus.ChannelClient;
import dev.herald.bus.PresenceClient;
import dev.herald.config.HeraldConfig;
import dev.herald.gateway.edge.Bodies;
import dev.herald.gateway.edge.EdgeTokens;
import dev.herald.gateway.edge.Responses;
import dev.herald.gateway.edge.TokenBucket;
import dev.herald.observability.Metrics;
import dev.herald.observability.Trace;
import dev.herald.observability.TraceIds;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Names;
import dev.herald.protocol.message.ChannelQuery;
import dev.herald.protocol.message.PresenceQuery;
import dev.herald.token.Principal;
import dev.herald.token.Revocations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP API for backend services (docs/protocol.md section 4): a Bearer JWT with role
 * {@code service}; JSON in and out; every request becomes a request on the bus, with the caller's
 * {@code sub} as the sender and {@code X-Trace-Id} (or a new id) as the trace id.
 */
public final class HttpApi {

  static final String PREFIX = "/api/v1";
  static final String TRACE_HEADER = "X-Trace-Id";

  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

  private final Vertx vertx;
  private final HeraldConfig config;
  private final EdgeTokens tokens;
  private final Revocations revocations;
  private final ApiRequests req;
  private final ApiChannels channelsApi;
  private final PresenceClient presence;
  /**
   * Per caller, on this gateway instance; a caller's bucket is dropped once it went unused for
   * {@value #BUCKET_IDLE_MS} ms and refilled (it would start full again), so callers seen once do
   * not stay.
   */
  private final Map<String, TokenBucket> buckets = new HashMap<>();
  private static final long BUCKET_IDLE_MS = 10_000;

  public HttpApi(Vertx vertx, HeraldConfig config, EdgeTokens tokens, Revocations revocations) {
    this.vertx = vertx;
    this.config = config;
    this.tokens = tokens;
    this.revocations = revocations;
    this.req = new ApiRequests(config);
    this.channelsApi = new ApiChannels(config, req, new ChannelClient(vertx.eventBus()), buckets);
    this.presence = new PresenceClient(vertx.eventBus());
    vertx.setPeriodic(BUCKET_IDLE_MS / 2, id -> {
      long now = System.nanoTime();
      buckets.values().removeIf(b -> b.idle(BUCKET_IDLE_MS * 1_000_000, now));
    });
    Metrics.gauge(vertx, "herald_api_rate_buckets", "HTTP API callers with a rate-limit bucket on this gateway instance", buckets, Map::size);
  }

  public void mount(Router router) {
    router.route(PREFIX + "/*").handler(HttpApi::jsonOnly);
    Bodies.on(router.route(PREFIX + "/*"), config.http().maxBodyBytes(), config.http()).handler(this::authenticate);
    router.post(PREFIX + "/channels/:name/messages").handler(channelsApi::publish);
    router.post(PREFIX + "/publish").handler(channelsApi::publishMany);
    router.get(PREFIX + "/channels/:name/messages").handler(channelsApi::history);
    router.get(PREFIX + "/channels/:name/members").handler(channelsApi::members);
    router.get(PREFIX + "/channels/:name").handler(channelsApi::channelInfo);
    router.post(PREFIX + "/channels/info").handler(channelsApi::channelsInfo);
    router.get(PREFIX + "/presence/:user").handler(this::presence);
    router.post(PREFIX + "/presence/query").handler(this::presenceQuery);
    router.post(PREFIX + "/users/:user/messages").handler(this::userMessage);
    router.post(PREFIX + "/users/:user/disconnect").handler(this::disconnect);
    router.post(PREFIX + "/users/:user/unsubscribe").handler(this::unsubscribe);
    router.post(PREFIX + "/users/:user/revoke").handler(this::revoke);
    // a known path asked with another method: 405 naming the ones it takes, not 404
    allow(router, "/channels/:name/messages", "GET, POST");
    allow(router, "/channels/:name/members", "GET");
    allow(router, "/channels/:name", "GET");
    allow(router, "/presence/:user", "GET");
    for (String post : List.of("/publish", "/presence/query", "/users/:user/messages", "/users/:user/disconnect", "/users/:user/unsubscribe", "/users/:user/revoke")) {
      allow(router, post, "POST");
    }
  }

  private static void allow(Router router, String path, String methods) {
    router.route(PREFIX + path).handler(ctx -> {
      ctx.response().putHeader("Allow", methods);
      Responses.error(ctx, ErrorCode.METHOD_NOT_ALLOWED.exception(ctx.request().method() + " " + ctx.request().path() + ": this path takes " + methods));
    });
  }

  /**
   * A body is read as JSON whatever its Content-Type says (fetch sends a string as text/plain),
   * except a form's: the body reader would take a form apart (curl -d sends one), so that is
   * answered 415 saying what to send.
   */
  private static void jsonOnly(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String t = type == null ? "" : type.toLowerCase(java.util.Locale.ROOT);
    if (t.startsWith("application/x-www-form-urlencoded") || t.startsWith("multipart/")) {
      Responses.error(ctx, ErrorCode.UNSUPPORTED_MEDIA_TYPE.exception("the body must be JSON: send it with Content-Type: application/json (was " + type + ")"));
      return;
    }
    ctx.next();
  }

  /**
   * A service token (role {@code service}) may call everything; a user's token may only read the
   * history of a channel its {@code channels} claim allows (plain polling clients).
   */
  private void authenticate(RoutingContext ctx) {
    String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      Responses.error(ctx, ErrorCode.UNAUTHORIZED.exception("send Authorization: Bearer <jwt>"));
      return;
    }
    tokens.check(ctx, auth.substring(7).trim(), false).onComplete(ar -> {
      if (ar.failed()) {
        Responses.error(ctx, ErrorCode.asReply(ar.cause()));
        return;
      }
      Principal p = ar.result();
      if (!p.isService() && !readsAllowedHistory(ctx, p)) {
        Responses.error(ctx, ErrorCode.FORBIDDEN.exception("the HTTP API needs a token with role \"service\" "
            + "(a user's token may only GET the messages of a channel its channels claim allows)"));
        return;
      }
      int rate = config.http().apiRatePerSecond();
      if (!buckets.computeIfAbsent(p.userId(), k -> new TokenBucket(rate, 2 * rate, System.nanoTime())).tryTake(System.nanoTime())) {
        Responses.error(ctx, ErrorCode.RATE_LIMITED.exception("at most " + rate + " requests a second per token"));
        return;
      }
      ctx.put(ApiRequests.PRINCIPAL, p);
      String traced = TraceIds.given(ctx.request().getHeader(TRACE_HEADER));
      String traceId = traced != null ? traced : TraceIds.newId();
      ctx.put(ApiRequests.TRACE, traceId);
      ctx.put(ApiRequests.TRACED, traced != null);
      Trace.with(LOG.atDebug(), traceId).log("{} {} by {}", ctx.request().method(), ctx.request().path(), p.userId());
      ctx.next();
    });
  }

  private static boolean readsAllowedHistory(RoutingContext ctx, Principal p) {
    String path = ctx.request().path();
    String prefix = PREFIX + "/channels/";
    if (ctx.request().method() != HttpMethod.GET || !path.startsWith(prefix) || !path.endsWith("/messages")) {
      return false;
    }
    String channel = path.substring(prefix.length(), path.length() - "/messages".length());
    return Names.isChannel(channel) && p.channels().matches(channel);
  }

  private void presence(RoutingContext ctx) {
    String user = ApiRequests.user(ctx);
    if (user == null) {
      return;
    }
    ApiRequests.answer(ctx, presence.query(new PresenceQuery(List.of(user)), req.options(ctx)).map(r -> r.getJsonObject("users").getJsonObject(user)), 200);
  }

  private void presenceQuery(RoutingContext ctx) {
    JsonObject body = req.jsonBody(ctx);
    if (body == null) {
      return;
    }
    PresenceQuery query = ApiRequests.parsed(ctx, () -> PresenceQuery.fromJson(body));
    if (query == null) {
      return;
    }
    ApiRequests.answer(ctx, presence.query(query, req.options(ctx)), 200);
  }

  /** Pushes {@code {"type": "message", "from", "data", "ts", "traceId"}} to every device of the user. */
  private void userMessage(RoutingContext ctx) {
    String user = ApiRequests.user(ctx);
    JsonObject body = req.jsonBody(ctx);
    if (user == null || body == null) {
      return;
    }
    if (!body.containsKey("data")) {
      Responses.error(ctx, ErrorCode.BAD_REQUEST.exception("body must be {\"data\": ...}"));
      return;
    }
    Principal caller = ctx.get(ApiRequests.PRINCIPAL);
    JsonObject message = new JsonObject().put("type", "message").put("from", caller.userId()).put("data", body.getValue("data"))
        .put("ts", System.currentTimeMillis()).put("traceId", ctx.<String>get(ApiRequests.TRACE));
    vertx.eventBus().publish(Addresses.inbox(user), message, req.options(ctx));
    Responses.json(ctx, 202, new JsonObject().put("userId", user));
  }

  /** {@code {"channel"}}: the user's connections, on every node, drop that channel ({@link Addresses#GATEWAY_UNSUBSCRIBE}). */
  private void unsubscribe(RoutingContext ctx) {
    String user = ApiRequests.user(ctx);
    JsonObject body = req.jsonBody(ctx);
    if (user == null || body == null) {
      return;
    }
    ChannelQuery q = ApiRequests.parsed(ctx, () -> ChannelQuery.fromJson(body));
    if (q == null) {
      return;
    }
    vertx.eventBus().publish(Addresses.GATEWAY_UNSUBSCRIBE, new JsonObject().put("userId", user).put("channel", q.channel()), req.options(ctx));
    Responses.json(ctx, 202, new JsonObject().put("userId", user).put("channel", q.channel()));
  }

  private void disconnect(RoutingContext ctx) {
    String user = ApiRequests.user(ctx);
    if (user != null) {
      vertx.eventBus().publish(Addresses.GATEWAY_DISCONNECT, new JsonObject().put("userId", user), req.options(ctx));
      Responses.json(ctx, 202, new JsonObject().put("userId", user));
    }
  }

  /**
   * Revokes the user's tokens issued before now, on every node (handshake, HTTP API, refresh), and
   * disconnects the user's connections everywhere (4403, which herald-client.js does not retry).
   */
  private void revoke(RoutingContext ctx) {
    String user = ApiRequests.user(ctx);
    if (user != null) {
      long now = System.currentTimeMillis() / 1000;
      revocations.revoke(user, now, config.auth().revocationTtlSeconds());
      vertx.eventBus().publish(Addresses.GATEWAY_DISCONNECT, new JsonObject().put("userId", user), req.options(ctx));
      Responses.json(ctx, 202, new JsonObject().put("userId", user).put("revokedAt", now));
    }
  }
}
