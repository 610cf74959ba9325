package dev.herald.gateway.bridge;

import dev.herald.bus.Requests;
import dev.herald.config.NamespacesConfig;
import dev.herald.config.ProxyConfig;
import dev.herald.gateway.connection.Connection;
import dev.herald.gateway.edge.EdgeRules;
import dev.herald.gateway.edge.EdgeTokens;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Headers;
import dev.herald.protocol.message.ProxyCalls;
import dev.herald.token.Patterns;
import dev.herald.token.Principal;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gateway's side of the backend in the loop (docs/protocol.md, "Backend proxies"): when to ask
 * the proxy service, what to send it, and what its answer means for the connection. The calls go
 * over the bus to this node's {@code ProxyVerticle}, which holds the HTTP client, the breakers and
 * the bounds.
 */
public final class Backend {

  /** A connection the connect proxy granted without saying when it ends: it lasts a year (no refresh proxy yet). */
  static final long DEFAULT_GRANT_SECONDS = 365L * 24 * 3600;

  private final EventBus eventBus;
  private final ProxyConfig config;
  private final Patterns subscribeChannels;
  private final Patterns publishChannels;
  private final NamespacesConfig namespaces;

  public Backend(EventBus eventBus, ProxyConfig config, NamespacesConfig namespaces) {
    this.eventBus = eventBus;
    this.config = config;
    this.namespaces = namespaces;
    this.subscribeChannels = new Patterns(config.subscribe() == null ? java.util.List.of() : config.subscribe().channels());
    this.publishChannels = new Patterns(config.publish() == null ? java.util.List.of() : config.publish().channels());
  }

  /** Whether a connection without a token is asked of the backend. */
  public boolean connects() {
    return config.connect() != null;
  }

  /** Whether a subscription to {@code channel} that the token does not grant is asked of the backend. */
  boolean subscribes(String channel) {
    return channel != null && (subscribeChannels.matches(channel) || subscribesAll(channel));
  }

  /** Whether every subscription to {@code channel}, even one the token grants, is asked of the backend (its namespace says so). */
  boolean subscribesAll(String channel) {
    return channel != null && namespaces.of(channel).proxies().contains("subscribe");
  }

  /** Whether every client publish to {@code channel} goes to the backend first (the proxy names it, or its namespace). */
  boolean publishes(String channel) {
    return channel != null && (publishChannels.matches(channel) || namespaces.of(channel).proxies().contains("publish"));
  }

  /** Whether a proxied connection about to end is asked of the backend. */
  boolean refreshes() {
    return config.refresh() != null;
  }

  /** Asks the refresh proxy; on a later {@code expireAt} the connection runs until then. */
  Future<Void> refresh(Connection c) {
    ProxyCalls.Refresh call = new ProxyCalls.Refresh(c.principal.userId(), c.principal.exp(), client(c));
    return ask(Addresses.PROXY_REFRESH, call.toJson(), config.refresh(), c.id).map(result -> {
      long until = ProxyCalls.Refresh.extendedTo(result, c.principal.exp());
      Principal p = c.principal;
      c.principal = new Principal(p.userId(), until, p.channels(), p.publish(), p.watch(), p.roles(), p.iat(), p.subscribe());
      return null;
    });
  }

  /** The headers of the request that the connect proxy passes on, by lower-case name. */
  Map<String, String> passedHeaders(RoutingContext ctx) {
    Map<String, String> out = new TreeMap<>();
    for (String name : config.connect().headers()) {
      String v = ctx.request().getHeader(name);
      if (v != null) {
        out.put(name.toLowerCase(java.util.Locale.ROOT), v);
      }
    }
    return out;
  }

  /**
   * What a later request of a SockJS session must bring to be the same grant: a digest of the
   * passed headers, the peer's address and its user agent (all the backend judged on), encoded
   * without ambiguity; null when no header is passed (then every request asks the backend: a
   * session id alone, which travels in URLs, must never stand for a grant).
   */
  static String digest(Map<String, String> headers, String remoteAddress, String userAgent) {
    if (headers.isEmpty()) {
      return null;
    }
    JsonObject all = new JsonObject().put("headers", new JsonObject(new TreeMap<>(headers))).put("remoteAddress", remoteAddress).put("userAgent", userAgent);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all.encode().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Asks the connect proxy who this is. Fails with the backend's refusal (its code, 4000-4999, and
   * message), or 5030 when the backend failed or answered something that is not a grant.
   */
  Future<Principal> connect(RoutingContext ctx, Map<String, String> headers, String transport) {
    ProxyCalls.Connect call = new ProxyCalls.Connect(
        new ProxyCalls.Client(null, EdgeTokens.address(ctx), transport, ctx.request().getHeader("User-Agent")), headers);
    return ask(Addresses.PROXY_CONNECT, call.toJson(), config.connect(), null).map(result -> {
      ProxyCalls.Granted granted = ProxyCalls.Granted.fromResult(result);
      if (granted.data() != null) {
        ctx.put(Grants.CONNECT_DATA_KEY, boundedData(granted.data()));
      }
      try {
        return Principal.fromClaims(granted.claims(System.currentTimeMillis() / 1000, DEFAULT_GRANT_SECONDS));
      } catch (IllegalArgumentException e) {
        throw ProxyCalls.invalid("its grant is not valid: " + e.getMessage());
      }
    });
  }

  /**
   * A connection without a token, asked of the connect proxy: once per connection, and once per
   * SockJS session (its later requests with the same passed headers are the same grant, so polling
   * transports do not ask the backend at every request). A refusal keeps the backend's code and
   * message; a backend that failed is 503 with {@code Retry-After} ({@code proxy.retryAfterMs}).
   */
  public Future<Principal> connectWithoutToken(RoutingContext ctx, String session, SessionOwners owners, EdgeTokens tokens) {
    java.util.Map<String, String> headers = passedHeaders(ctx);
    String digest = digest(headers, EdgeTokens.address(ctx), ctx.request().getHeader("User-Agent"));
    String known = digest == null ? null : owners.proxied(session, digest);
    ctx.put(Grants.PROXIED_KEY, true);
    if (known != null) {
      return Future.succeededFuture(Principal.fromClaims(new JsonObject(known)));
    }
    String path = ctx.normalizedPath();
    String transport = path.endsWith(EdgeRules.BRIDGE_PATH + "/websocket") ? "websocket-raw" : path.substring(path.lastIndexOf('/') + 1);
    // the backend answers after the request ended: paused, it can still be upgraded (or its body read) then
    ctx.request().pause();
    return tokens.throttled(ctx, () -> connect(ctx, headers, transport))
        .onComplete(ar -> ctx.request().resume())
        .onSuccess(p -> {
          if (digest != null) {
            owners.rememberProxied(session, digest, p.toJson().encode());
          }
        })
        .onFailure(e -> {
          if (e instanceof io.vertx.core.eventbus.ReplyException re && re.failureCode() == ErrorCode.UNAVAILABLE.code) {
            ctx.response().putHeader("Retry-After", String.valueOf((config.retryAfterMs() + 999) / 1000));
          }
        });
  }

  /** Asks the subscribe proxy; on a grant the connection may read {@code channel} (and its history) from then on. */
  Future<Void> subscribe(Connection c, String channel, String traceId, int maxGrants) {
    ProxyCalls.Subscribe call = new ProxyCalls.Subscribe(c.principal.userId(), channel, client(c));
    return ask(Addresses.PROXY_SUBSCRIBE, call.toJson(), config.subscribe(), traceId).map(result -> {
      Object data = result.getValue("data");
      if (data != null) {
        boundedData(data);
      }
      grant(c, channel, maxGrants);
      if (data != null && c.granted.contains(channel)) {
        if (c.channelData == null) {
          c.channelData = new java.util.HashMap<>(2);
        }
        c.channelData.put(channel, data); // at most one per granted channel, each bounded
      }
      return null;
    });
  }

  /**
   * The {@code data} of a connect or subscribe answer, kept with the connection for {@code rt.session}:
   * at most {@code proxy.maxDataBytes} encoded, else the backend failed (5030).
   */
  private Object boundedData(Object data) {
    int bytes = io.vertx.core.json.Json.encodeToBuffer(data).length();
    if (bytes > config.maxDataBytes()) {
      throw ProxyCalls.invalid("result.data is " + bytes + " bytes encoded, over proxy.maxDataBytes (" + config.maxDataBytes() + ")");
    }
    return data;
  }

  /** From now on {@code c} may read {@code channel}, beyond what its token allows (a subscribe proxy's grant, a subscription token). */
  static void grant(Connection c, String channel, int max) {
    if (c.withdrawn.contains(channel)) { // taken off it while the grant was asked: not granted
      return;
    }
    // at most bridge.maxHandlersPerSocket grants a connection: the oldest goes first (with its data),
    // so registering and unregistering channel after channel cannot grow it without bound
    if (c.granted.add(channel) && c.granted.size() > max) {
      String oldest = c.granted.iterator().next();
      c.granted.remove(oldest);
      if (c.channelData != null) {
        c.channelData.remove(oldest);
      }
    }
  }

  /**
   * Asks the publish proxy about a client's publish ({@code {"channel", "data", "id"?}}): the
   * body to store, with the data the backend returned when it returned one.
   */
  Future<Object> publish(Connection c, Object body, String traceId) {
    JsonObject b = (JsonObject) body;
    ProxyCalls.Publication call = new ProxyCalls.Publication(c.principal.userId(), b.getString("channel"), b.getValue("data"), client(c));
    return ask(Addresses.PROXY_PUBLISH, call.toJson(), config.publish(), traceId)
        .map(result -> result.containsKey("data") ? b.copy().put("data", result.getValue("data")) : b);
  }

  private static ProxyCalls.Client client(Connection c) {
    return new ProxyCalls.Client(c.id, null, c.rawWebSocket ? "websocket-raw" : "sockjs", null);
  }

  private Future<JsonObject> ask(String address, JsonObject call, ProxyConfig.Endpoint endpoint, String traceId) {
    // the proxy service times out first (its breaker); this bound only covers a service that is gone
    DeliveryOptions opts = new DeliveryOptions().setSendTimeout(endpoint.timeoutMs() + 1000L);
    if (traceId != null) {
      opts.addHeader(Headers.TRACE_ID, traceId);
    }
    return Requests.<JsonObject>localFirst(eventBus, address, call, opts).map(Message::body)
        .recover(e -> Future.failedFuture(e instanceof ReplyException re && re.failureCode() > 0 ? re : ErrorCode.asReply(e)));
  }
}
