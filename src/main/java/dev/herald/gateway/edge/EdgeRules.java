package dev.herald.gateway.edge;

import dev.herald.config.HttpConfig;
import dev.herald.protocol.ErrorCode;
import io.vertx.ext.web.RoutingContext;

/**
 * What every request meets before any route: one spelling of each path, and headers that keep
 * Herald's pages out of other sites' frames.
 *
 * <p>The router matches routes on the normalised path (percent-encoded letters, digits and
 * {@code -._~} decoded, dot segments and double slashes removed), while a handler that reads
 * {@code request().path()} sees the raw one: a check made on the raw path could be walked round
 * by another spelling of it ({@code xhr%5Fsend} reached SockJS's {@code xhr_send} while the
 * session-owner check saw no session). So a path that is not already in its normal form is
 * refused 400, naming the form to use: every check and every route then see the same string.
 * No client of Herald's spells a path otherwise (names are {@code [A-Za-z0-9_.:@-]}, which no
 * encoder escapes).
 */
public final class EdgeRules {

  /** Where the bridge is served: SockJS below it, Herald's raw WebSocket at {@code /websocket} below it. */
  public static final String BRIDGE_PATH = "/eventbus";

  /** The SockJS page that its iframe transports load in a frame (off by default: {@code bridge.transports}). */
  private static final java.util.regex.Pattern IFRAME_PAGE = java.util.regex.Pattern.compile(BRIDGE_PATH + "/iframe(-[^/]*)?\\.html");

  private static final String IFRAME_PREFIX = BRIDGE_PATH + "/iframe";

  private final String iframeAncestors;

  EdgeRules(HttpConfig http) {
    this.iframeAncestors = http.allowedOrigins().contains("*") ? "*" : "'self' " + String.join(" ", http.allowedOrigins());
  }

  void check(RoutingContext ctx) {
    String raw = ctx.request().path();
    String normal;
    try {
      normal = ctx.normalizedPath();
    } catch (IllegalArgumentException e) { // a bad escape, such as a lone "%"
      normal = null;
    }
    if (raw == null || !raw.equals(normal)) {
      Responses.error(ctx, ErrorCode.BAD_REQUEST.exception(normal == null ? "the path has a malformed percent-escape"
          : "the path must be spelled in its normal form: " + normal));
      return;
    }
    if (raw.startsWith(IFRAME_PREFIX) && IFRAME_PAGE.matcher(raw).matches()) {
      ctx.response().putHeader("Content-Security-Policy", "frame-ancestors " + iframeAncestors);
    } else {
      ctx.response().putHeader("X-Frame-Options", "DENY").putHeader("Content-Security-Policy", "frame-ancestors 'none'");
    }
    ctx.response().putHeader("X-Content-Type-Options", "nosniff");
    ctx.next();
  }
}
