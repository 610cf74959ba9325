package dev.herald.config;

import java.util.List;
import java.util.Set;

/**
 * {@code http}: the client-facing HTTP server (SockJS bridge, HTTP API, health).
 *
 * @param host           interface to bind; default {@value #DEFAULT_HOST}
 * @param port           port; default {@value #DEFAULT_PORT}; env {@code HERALD_HTTP_PORT}
 * @param allowedOrigins browser origins allowed to open the bridge; {@code ["*"]} allows any.
 *                       Requests without an {@code Origin} header (apps, servers) are always allowed.
 * @param compression    negotiate WebSocket per-message deflate; default off (it costs ~88 KB of
 *                       native memory per connection)
 * @param maxBodyBytes   largest HTTP API request body; default {@value #DEFAULT_MAX_BODY_BYTES}
 * @param apiRatePerSecond HTTP API requests per second allowed per token (user id), with bursts of
 *                       twice that; default {@value #DEFAULT_API_RATE}
 */
public record HttpConfig(String host, int port, List<String> allowedOrigins, boolean compression, int maxBodyBytes,
                         int apiRatePerSecond) {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  public static final int DEFAULT_API_RATE = 200;

  public HttpConfig {
    allowedOrigins = List.copyOf(allowedOrigins);
  }

  /** True when a browser page served from {@code origin} may open the bridge. */
  public boolean originAllowed(String origin) {
    return origin == null || allowedOrigins.contains("*") || allowedOrigins.contains(origin);
  }

  static HttpConfig from(Section s) {
    s.allowOnly(Set.of("host", "port", "allowedOrigins", "compression", "maxBodyBytes", "apiRatePerSecond"));
    return new HttpConfig(
        s.string("host", DEFAULT_HOST),
        s.integer("port", DEFAULT_PORT, 0, 65535),
        s.strings("allowedOrigins", List.of("*")),
        s.bool("compression", false),
        s.integer("maxBodyBytes", DEFAULT_MAX_BODY_BYTES, 1024, 16 * 1024 * 1024),
        s.integer("apiRatePerSecond", DEFAULT_API_RATE, 1, 1_000_000));
  }
}
