package dev.herald.config;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code webhook}: where this node POSTs presence and channel events, and how it protects itself
 * when that endpoint fails. Required when the node runs the {@code webhook} role.
 *
 * @param urls           the receivers, {@code http(s)://...}: every event goes to each, each with its own
 *                       circuit breaker and queue
 * @param secret         HMAC-SHA256 key for the {@code X-Herald-Signature} header, at least 32 bytes
 * @param timeoutMs      one call's timeout; default {@value #DEFAULT_TIMEOUT_MS}
 * @param maxRetries     retries of one call (exponential delay with jitter) before it counts as one
 *                       failure; default {@value #DEFAULT_MAX_RETRIES}
 * @param maxFailures    failures that open the circuit; default {@value #DEFAULT_MAX_FAILURES}
 * @param resetTimeoutMs how long the circuit stays open before one probe; default {@value #DEFAULT_RESET_TIMEOUT_MS}
 * @param queueSize      events kept while the receiver is failing; beyond it the oldest is dropped
 *                       and counted; default {@value #DEFAULT_QUEUE_SIZE}
 * @param events         the event types sent; default {@link #DEFAULT_EVENTS} ({@code channel.join}
 *                       and {@code channel.leave}, one per subscription, and {@code connection.open}
 *                       and {@code connection.close}, one per connection, are asked for by name)
 * @param snapshotSeconds how often one node of the cluster sends {@code presence.snapshot}, every
 *                       user online, so a receiver that lost events converges; 0: never; default
 *                       {@value #DEFAULT_SNAPSHOT_SECONDS}
 */
public record WebhookConfig(List<String> urls, String secret, int timeoutMs, int maxRetries, int maxFailures, int resetTimeoutMs, int queueSize,
                            Set<String> events, int snapshotSeconds) {

  public static final int DEFAULT_TIMEOUT_MS = 2000;
  public static final int DEFAULT_MAX_RETRIES = 2;
  public static final int DEFAULT_MAX_FAILURES = 5;
  public static final int DEFAULT_RESET_TIMEOUT_MS = 5000;
  public static final int DEFAULT_QUEUE_SIZE = 10_000;
  public static final int DEFAULT_SNAPSHOT_SECONDS = 300;
  /** Every event type Herald raises. */
  public static final Set<String> ALL_EVENTS = Set.of("user.online", "user.offline", "channel.occupied", "channel.vacated",
      "channel.join", "channel.leave", "connection.open", "connection.close", "presence.snapshot");
  public static final Set<String> DEFAULT_EVENTS = Set.of("user.online", "user.offline", "channel.occupied", "channel.vacated", "presence.snapshot");

  public WebhookConfig {
    Check.range("timeoutMs", timeoutMs, 100, 60_000);
    Check.range("maxRetries", maxRetries, 0, 10);
    Check.range("maxFailures", maxFailures, 1, 1000);
    Check.range("resetTimeoutMs", resetTimeoutMs, 100, 600_000);
    Check.range("queueSize", queueSize, 1, 10_000_000);
    Check.range("snapshotSeconds", snapshotSeconds, 0, 86_400);
    urls = List.copyOf(urls);
    events = Set.copyOf(events);
    for (String e : events) {
      if (!ALL_EVENTS.contains(e)) {
        throw Check.fail("events", ": unknown event type '" + e + "' (the types are " + new TreeSet<>(ALL_EVENTS) + ")");
      }
    }
    for (String url : urls) {
      if (!url.matches("https?://.+")) {
        throw Check.fail("urls", " entries must be http:// or https:// URLs (was '" + url + "')");
      }
    }
    Check.secret("secret", secret, 32);
  }

  static WebhookConfig from(Section s) {
    s.allowOnly(Set.of("urls", "secret", "timeoutMs", "maxRetries", "maxFailures", "resetTimeoutMs", "queueSize", "events", "snapshotSeconds"));
    return s.build(() -> new WebhookConfig(
        s.strings("urls", List.of()),
        s.string("secret", null),
        s.integer("timeoutMs", DEFAULT_TIMEOUT_MS),
        s.integer("maxRetries", DEFAULT_MAX_RETRIES),
        s.integer("maxFailures", DEFAULT_MAX_FAILURES),
        s.integer("resetTimeoutMs", DEFAULT_RESET_TIMEOUT_MS),
        s.integer("queueSize", DEFAULT_QUEUE_SIZE),
        Set.copyOf(s.strings("events", List.copyOf(DEFAULT_EVENTS))),
        s.integer("snapshotSeconds", DEFAULT_SNAPSHOT_SECONDS)));
  }
}
