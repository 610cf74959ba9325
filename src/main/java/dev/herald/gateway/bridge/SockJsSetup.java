package dev.herald.gateway.bridge;

import dev.herald.config.BridgeConfig;
import dev.herald.config.HttpConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.Transport;

import java.security.SecureRandom;
import java.util.Map;

/**
 * The SockJS side of the bridge as a deployment configures it: only the transports
 * {@code bridge.transports} names (vertx-web serves all five unless told), its iframe page loading
 * the SockJS client from this node ({@code /vendor/sockjs.min.js}, from the jar) instead of a
 * public CDN, and an {@code /info} answer that names the origins the node allows rather than
 * vertx-web's fixed {@code *:*}.
 */
public final class SockJsSetup {

  private static final Map<String, Transport> TRANSPORTS = Map.of(
      "websocket", Transport.WEBSOCKET, "xhr", Transport.XHR, "eventsource", Transport.EVENT_SOURCE,
      "htmlfile", Transport.HTML_FILE, "jsonp", Transport.JSON_P);
  public static final String LIBRARY_URL = "/vendor/sockjs.min.js";

  private final BridgeConfig bridge;
  private final HttpConfig http;
  private final SecureRandom random = new SecureRandom();

  public SockJsSetup(BridgeConfig bridge, HttpConfig http) {
    this.bridge = bridge;
    this.http = http;
  }

  public SockJSHandlerOptions options() {
    SockJSHandlerOptions o = new SockJSHandlerOptions().setInsertJSESSIONID(false).setLibraryURL(LIBRARY_URL);
    TRANSPORTS.forEach((name, transport) -> {
      if (!bridge.transports().contains(name)) {
        o.addDisabledTransport(transport.name());
      }
    });
    return o;
  }

  /** {@code GET /eventbus/info}, as SockJS's clients read it; the Origin was checked before. */
  public void info(RoutingContext ctx) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    JsonArray origins = http.allowedOrigins().contains("*") ? new JsonArray().add("*:*") : new JsonArray(http.allowedOrigins());
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=UTF-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store, no-cache, no-transform, must-revalidate, max-age=0")
        .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin == null ? "*" : origin)
        .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, origin == null ? "false" : "true");
    if (origin != null) {
      ctx.response().putHeader(HttpHeaders.VARY, "Origin");
    }
    ctx.response().end(new JsonObject()
        .put("websocket", bridge.transports().contains("websocket"))
        .put("cookie_needed", false)
        .put("origins", origins)
        .put("entropy", (2L << 30) + random.nextInt())
        .encode());
  }
}
