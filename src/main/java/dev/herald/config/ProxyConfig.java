package dev.herald.config;

import java.util.List;
import java.util.Set;

/**
 * {@code proxy}: the backend in the loop (docs/protocol.md, "Backend proxies"). Each proxy is
 * optional: a connect without a token, a subscription or a publish on channels its patterns name,
 * a client's RPC, each asked of the backend over HTTP before Herald acts. Every call has a
 * timeout, goes through one circuit breaker per proxy and counts against {@link #maxConcurrent}.
 *
 * @param connect        asked for a connection that brings no token; null: a token is required
 * @param subscribe      asked for a subscription to a channel its patterns name that the token does not grant
 * @param publish        asked for every client publish to a channel its patterns name (the token's
 *                       {@code publish} claim is not needed there); the backend may refuse it or change its data
 * @param rpc            asked for every {@code rt.rpc} request
 * @param refresh        asked, {@code auth.expiryNoticeSeconds} before a proxied connection's
 *                       {@code expireAt}, whether it lives on (and until when); null: it ends then
 * @param maxConcurrent  calls in flight per node and proxy (each has its own share, so a flood of
 *                       RPCs cannot starve connects); past it a call is refused {@code unavailable}
 *                       at once; default {@value #DEFAULT_MAX_CONCURRENT}
 * @param maxAnswerBytes largest backend answer read; a longer one is refused as invalid; default {@value #DEFAULT_MAX_ANSWER_BYTES}
 * @param maxDataBytes   largest {@code data} a connect or subscribe answer may hand the client
 *                       (JSON-encoded; kept with the connection, so bounded apart from the answer);
 *                       a larger one is the backend failing (it cannot be larger than the answer
 *                       anyway); default {@value #DEFAULT_MAX_DATA_BYTES}
 * @param maxFailures    failures in a row that open a proxy's circuit (calls then fail at once); default {@value #DEFAULT_MAX_FAILURES}
 * @param resetTimeoutMs how long an open circuit waits before one probe call; default {@value #DEFAULT_RESET_TIMEOUT_MS}
 * @param retryAfterMs   the reconnect delay a client is told when a connect fails because the
 *                       backend is down; default {@value #DEFAULT_RETRY_AFTER_MS}
 * @param secret         HMAC-SHA256 key (at least 32 bytes) for the {@code X-Herald-Signature}
 *                       header of every call, so the backend knows Herald sent it; without it the
 *                       backend must keep its proxy endpoints where only Herald reaches them
 */
public record ProxyConfig(Endpoint connect, Endpoint subscribe, Endpoint publish, Endpoint rpc, Endpoint refresh, int maxConcurrent,
                          int maxAnswerBytes, int maxDataBytes, int maxFailures, int resetTimeoutMs, int retryAfterMs, String secret) {

  public static final int DEFAULT_MAX_CONCURRENT = 256;
  public static final int DEFAULT_MAX_ANSWER_BYTES = 65_536;
  public static final int DEFAULT_MAX_DATA_BYTES = 4096;
  public static final int DEFAULT_MAX_FAILURES = 5;
  public static final int DEFAULT_RESET_TIMEOUT_MS = 5000;
  public static final int DEFAULT_RETRY_AFTER_MS = 3000;
  public static final int DEFAULT_TIMEOUT_MS = 3000;

  /**
   * One proxy.
   *
   * @param url       where Herald POSTs the request ({@code http(s)://...})
   * @param timeoutMs the whole call, connect to last byte; default {@value ProxyConfig#DEFAULT_TIMEOUT_MS}
   * @param headers   request headers passed on to the backend (connect only: {@code Cookie},
   *                  {@code Authorization}, ...; matched without case)
   * @param channels  the channels it applies to (subscribe and publish), patterns as in tokens
   */
  public record Endpoint(String url, int timeoutMs, List<String> headers, List<String> channels) {

    public Endpoint {
      if (url == null) {
        throw Check.fail("url", " is required (http:// or https://)");
      }
      if (!url.matches("https?://[^\\s]+")) {
        throw Check.fail("url", " must be http:// or https:// (was '" + url + "')");
      }
      Check.range("timeoutMs", timeoutMs, 100, 60_000);
      headers = List.copyOf(headers);
      channels = List.copyOf(channels);
      for (String h : headers) {
        if (!h.matches("[A-Za-z0-9-]{1,64}")) {
          throw Check.fail("headers", " must be header names (was '" + h + "')");
        }
      }
    }

    static Endpoint from(Section s) {
      if (s.raw().isEmpty()) {
        return null;
      }
      s.allowOnly(Set.of("url", "timeoutMs", "headers", "channels"));
      return s.build(() -> new Endpoint(s.string("url", null), s.integer("timeoutMs", DEFAULT_TIMEOUT_MS),
          s.strings("headers", List.of()), s.strings("channels", List.of())));
    }
  }

  public static final ProxyConfig NONE = new ProxyConfig(null, null, null, null, null, DEFAULT_MAX_CONCURRENT, DEFAULT_MAX_ANSWER_BYTES,
      DEFAULT_MAX_DATA_BYTES, DEFAULT_MAX_FAILURES, DEFAULT_RESET_TIMEOUT_MS, DEFAULT_RETRY_AFTER_MS, null);

  public ProxyConfig {
    Check.range("maxConcurrent", maxConcurrent, 1, 100_000);
    Check.range("maxAnswerBytes", maxAnswerBytes, 256, 16 * 1024 * 1024);
    Check.range("maxDataBytes", maxDataBytes, 0, 1024 * 1024);
    Check.range("maxFailures", maxFailures, 1, 1000);
    Check.range("resetTimeoutMs", resetTimeoutMs, 100, 600_000);
    Check.range("retryAfterMs", retryAfterMs, 0, 600_000);
    Check.secret("secret", secret, 32);
  }

  /** Whether any proxy is configured (the node then runs the proxy service beside its gateway). */
  public boolean any() {
    return connect != null || subscribe != null || publish != null || rpc != null || refresh != null;
  }

  static ProxyConfig from(Section s) {
    s.allowOnly(Set.of("connect", "subscribe", "publish", "rpc", "refresh", "maxConcurrent", "maxAnswerBytes", "maxDataBytes", "maxFailures", "resetTimeoutMs", "retryAfterMs", "secret"));
    return s.build(() -> new ProxyConfig(
        Endpoint.from(s.section("connect")),
        Endpoint.from(s.section("subscribe")),
        Endpoint.from(s.section("publish")),
        Endpoint.from(s.section("rpc")),
        Endpoint.from(s.section("refresh")),
        s.integer("maxConcurrent", DEFAULT_MAX_CONCURRENT),
        s.integer("maxAnswerBytes", DEFAULT_MAX_ANSWER_BYTES),
        s.integer("maxDataBytes", DEFAULT_MAX_DATA_BYTES),
        s.integer("maxFailures", DEFAULT_MAX_FAILURES),
        s.integer("resetTimeoutMs", DEFAULT_RESET_TIMEOUT_MS),
        s.integer("retryAfterMs", DEFAULT_RETRY_AFTER_MS),
        s.string("secret", null)));
  }
}
