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
 * @param requestTimeoutSeconds a connection that has not sent a whole request (headers and body)
 *                       this long after it opened, or after its last answer, is closed; so is a
 *                       request whose body stops coming; default {@value #DEFAULT_REQUEST_TIMEOUT_SECONDS}
 * @param maxHeaderBytes longest request line and largest header block (a token rides in either);
 *                       default {@value #DEFAULT_MAX_HEADER_BYTES}
 * @param maxJsonDepth   deepest nesting of objects and arrays in any JSON a client or caller sends
 *                       (bridge frames, API bodies); default {@value #DEFAULT_MAX_JSON_DEPTH}
 * @param metricsToken   when set, {@code /metrics} answers only {@code Authorization: Bearer <it>};
 *                       default unset (open: keep the port private)
 * @param authFailuresPerSecondPerIp bad tokens an address may present per second (bursts of ten
 *                       times that) before its requests are refused with 429 unchecked;
 *                       default {@value #DEFAULT_AUTH_FAILURES_PER_IP}
 * @param maxConnections TCP connections the node holds at once (HTTP, SockJS, WebSocket); one past
 *                       it is answered 503 and closed; default 0: the process's open-files limit
 *                       less {@value #RESERVED_FILES} for the cluster, the jar and the logs
 *                       ({@link #connectionLimit})
 * @param maxConnectionsPerAddress TCP connections one peer address may hold at once; one past it
 *                       is answered 429 and closed; default {@value #DEFAULT_MAX_CONNECTIONS_PER_ADDRESS}.
 *                       Behind a proxy every client is the proxy's address: raise it there
 */
public record HttpConfig(String host, int port, List<String> allowedOrigins, boolean compression, int maxBodyBytes,
                         int apiRatePerSecond, int requestTimeoutSeconds, int maxHeaderBytes, int maxJsonDepth,
                         String metricsToken, int authFailuresPerSecondPerIp, int maxConnections,
                         int maxConnectionsPerAddress) {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  public static final int DEFAULT_API_RATE = 200;
  public static final int DEFAULT_REQUEST_TIMEOUT_SECONDS = 10;
  public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
  public static final int DEFAULT_MAX_JSON_DEPTH = 32;
  public static final int DEFAULT_AUTH_FAILURES_PER_IP = 10;
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 5000;
  /** Open files kept for what is not a client: Hazelcast's and the event bus's sockets, jars, logs. */
  public static final int RESERVED_FILES = 300;

  public HttpConfig {
    Check.range("port", port, 0, 65535);
    Check.range("maxBodyBytes", maxBodyBytes, 1024, 16 * 1024 * 1024);
    Check.range("apiRatePerSecond", apiRatePerSecond, 1, 1_000_000);
    Check.range("requestTimeoutSeconds", requestTimeoutSeconds, 1, 3600);
    Check.range("maxHeaderBytes", maxHeaderBytes, 4096, 1024 * 1024);
    Check.range("maxJsonDepth", maxJsonDepth, 2, 500);
    Check.range("authFailuresPerSecondPerIp", authFailuresPerSecondPerIp, 1, 1_000_000);
    Check.range("maxConnections", maxConnections, 0, 100_000_000);
    Check.range("maxConnectionsPerAddress", maxConnectionsPerAddress, 1, 100_000_000);
    allowedOrigins = List.copyOf(allowedOrigins);
    if (metricsToken != null && metricsToken.length() < 16) {
      throw Check.fail("metricsToken", " must be at least 16 characters");
    }
  }

  /** True when a browser page served from {@code origin} may open the bridge. */
  public boolean originAllowed(String origin) {
    return origin == null || allowedOrigins.contains("*") || allowedOrigins.contains(origin);
  }

  /**
   * The node's connection bound: {@code maxConnections}, or when 0 the open-files limit less
   * {@link #RESERVED_FILES} (given here, as the JVM reports it; at least 100).
   */
  public int connectionLimit(long openFilesLimit) {
    if (maxConnections > 0) {
      return maxConnections;
    }
    return openFilesLimit <= 0 ? Integer.MAX_VALUE : (int) Math.max(100, Math.min(Integer.MAX_VALUE, openFilesLimit - RESERVED_FILES));
  }

  static HttpConfig from(Section s) {
    s.allowOnly(Set.of("host", "port", "allowedOrigins", "compression", "maxBodyBytes", "apiRatePerSecond",
        "requestTimeoutSeconds", "maxHeaderBytes", "maxJsonDepth", "metricsToken", "authFailuresPerSecondPerIp",
        "maxConnections", "maxConnectionsPerAddress"));
    return s.build(() -> new HttpConfig(
        s.string("host", DEFAULT_HOST),
        s.integer("port", DEFAULT_PORT),
        s.strings("allowedOrigins", List.of("*")),
        s.bool("compression", false),
        s.integer("maxBodyBytes", DEFAULT_MAX_BODY_BYTES),
        s.integer("apiRatePerSecond", DEFAULT_API_RATE),
        s.integer("requestTimeoutSeconds", DEFAULT_REQUEST_TIMEOUT_SECONDS),
        s.integer("maxHeaderBytes", DEFAULT_MAX_HEADER_BYTES),
        s.integer("maxJsonDepth", DEFAULT_MAX_JSON_DEPTH),
        s.string("metricsToken", null),
        s.integer("authFailuresPerSecondPerIp", DEFAULT_AUTH_FAILURES_PER_IP),
        s.integer("maxConnections", 0),
        s.integer("maxConnectionsPerAddress", DEFAULT_MAX_CONNECTIONS_PER_ADDRESS)));
  }
}
