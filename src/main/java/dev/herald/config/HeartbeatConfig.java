package dev.herald.config;

import java.util.Set;

/**
 * {@code heartbeat}: liveness of connections and nodes.
 *
 * @param timeoutSeconds  a connection silent this long (no ping, no frame) is closed and leaves
 *                        presence; default {@value #DEFAULT_TIMEOUT_SECONDS} (clients ping every 5 s)
 * @param intervalSeconds how often each node publishes its load; default {@value #DEFAULT_INTERVAL_SECONDS}
 */
public record HeartbeatConfig(int timeoutSeconds, int intervalSeconds) {

  public static final int DEFAULT_TIMEOUT_SECONDS = 15;
  public static final int DEFAULT_INTERVAL_SECONDS = 2;

  public HeartbeatConfig {
    Check.range("timeoutSeconds", timeoutSeconds, 2, 3600);
    Check.range("intervalSeconds", intervalSeconds, 1, 60);
  }

  static HeartbeatConfig from(Section s) {
    s.allowOnly(Set.of("timeoutSeconds", "intervalSeconds"));
    return s.build(() -> new HeartbeatConfig(
        s.integer("timeoutSeconds", DEFAULT_TIMEOUT_SECONDS),
        s.integer("intervalSeconds", DEFAULT_INTERVAL_SECONDS)));
  }
}
