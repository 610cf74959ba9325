package dev.herald.config;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

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
    urls = List.copyOf(urls);
    events = Set.copyOf(events);
    for (String e : events) {
      if (!ALL_EVENTS.contains(e)) {
        throw new ConfigException("webhook.events: unknown event type '" + e + "' (the types are " + new java.util.TreeSet<>(ALL_EVENTS) + ")");
      }
    }
    if (snapshotSeconds < 0 || snapshotSeconds > 86_400) {
      throw new ConfigException("webhook.snapshotSeconds must be 0 (never) to 86400");
    }
    for (String url : urls) {
      if (!url.matches("https?://.+")) {
        throw new ConfigException("webhook.urls entries must be http:// or https:// URLs (was '" + url + "')");
      }
    }
    if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw new ConfigException("webhook.secret must be at least 32 bytes");
    }
  }

  /** Checked when the node runs the webhook role. */
  public void requireComplete() {
    if (urls.isEmpty() || secret == null) {
      throw new ConfigException("webhook.urls and webhook.secret are required when roles.webhook is set");
    }
  }

  static WebhookConfig from(Section s) {
    s.allowOnly(Set.of("urls", "secret", "timeoutMs", "maxRetries", "maxFailures", "resetTimeoutMs", "queueSize", "events", "snapshotSeconds"));
    return new WebhookConfig(
        s.strings("urls", List.of()),
        s.string("secret", null),
        s.integer("timeoutMs", DEFAULT_TIMEOUT_MS, 100, 60_000),
        s.integer("maxRetries", DEFAULT_MAX_RETRIES, 0, 10),
        s.integer("maxFailures", DEFAULT_MAX_FAILURES, 1, 1000),
        s.integer("resetTimeoutMs", DEFAULT_RESET_TIMEOUT_MS, 100, 600_000),
        s.integer("queueSize", DEFAULT_QUEUE_SIZE, 1, 10_000_000),
        Set.copyOf(s.strings("events", List.copyOf(DEFAULT_EVENTS))),
        s.integer("snapshotSeconds", DEFAULT_SNAPSHOT_SECONDS, 0, 86_400));
  }
}
