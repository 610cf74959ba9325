package dev.herald.config;

import java.util.Set;

/**
 * {@code broadcast}: channel messages.
 *
 * @param historySize       messages kept per channel for recovery; default {@value #DEFAULT_HISTORY_SIZE}
 * @param historyTtlSeconds how long a message is kept; default {@value #DEFAULT_HISTORY_TTL_SECONDS}
 * @param maxDataBytes      largest {@code data} of one message, encoded; default {@value #DEFAULT_MAX_DATA_BYTES}
 */
public record BroadcastConfig(int historySize, int historyTtlSeconds, int maxDataBytes) {

  public static final int DEFAULT_HISTORY_SIZE = 1000;
  public static final int DEFAULT_HISTORY_TTL_SECONDS = 3600;
  public static final int DEFAULT_MAX_DATA_BYTES = 32 * 1024;
  /** Most messages in one history answer, and the default. */
  public static final int MAX_HISTORY_LIMIT = 1000;
  public static final int DEFAULT_HISTORY_LIMIT = 100;

  static BroadcastConfig from(Section s) {
    s.allowOnly(Set.of("historySize", "historyTtlSeconds", "maxDataBytes"));
    return new BroadcastConfig(
        s.integer("historySize", DEFAULT_HISTORY_SIZE, 1, 1_000_000),
        s.integer("historyTtlSeconds", DEFAULT_HISTORY_TTL_SECONDS, 1, 30 * 24 * 3600),
        s.integer("maxDataBytes", DEFAULT_MAX_DATA_BYTES, 16, 1024 * 1024));
  }
}
