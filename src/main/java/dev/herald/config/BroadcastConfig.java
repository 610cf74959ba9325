package dev.herald.config;

import java.util.Set;

/**
 * {@code broadcast}: channel messages.
 *
 * @param historySize       messages kept per channel for recovery; default {@value #DEFAULT_HISTORY_SIZE}
 * @param historyTtlSeconds how long a message is kept; default {@value #DEFAULT_HISTORY_TTL_SECONDS}
 * @param maxDataBytes      largest {@code data} of one message, in UTF-8 bytes as encoded; default {@value #DEFAULT_MAX_DATA_BYTES}
 * @param historyMaxBytes   bytes of history kept per channel, oldest dropped first; default {@value #DEFAULT_HISTORY_MAX_BYTES}
 * @param historyMaxBytesPerNode bytes of history kept in the channels a node owns; past it the
 *                          history of the channels published to longest ago is dropped first
 *                          (their seq and epoch stay); default {@value #DEFAULT_HISTORY_MAX_BYTES_PER_NODE}
 * @param channelIdleSeconds a channel nobody published to for this long is forgotten; the
 *                          next publish starts a new epoch; default {@value #DEFAULT_CHANNEL_IDLE_SECONDS}
 * @param publishTimeoutMs  a publish not confirmed (stored on the channel's owner and its backup,
 *                          with a majority) within this long is answered {@code unavailable}: the
 *                          publisher retries with the same id, which is safe; default
 *                          {@value #DEFAULT_PUBLISH_TIMEOUT_MS}, under the bridge's reply timeout
 * @param idempotencySeconds how long after a message was published a publish with its id is still
 *                          a repeat (answered with the original seq, stored nothing), whether or not
 *                          the history still keeps the message (at most 10 000
 *                          ids a channel past its history); default {@value #DEFAULT_IDEMPOTENCY_SECONDS},
 *                          longer than any client's retries
 */
public record BroadcastConfig(int historySize, int historyTtlSeconds, int maxDataBytes, int historyMaxBytes,
                              int historyMaxBytesPerNode, int channelIdleSeconds, int publishTimeoutMs,
                              int idempotencySeconds) {

  public static final int DEFAULT_HISTORY_SIZE = 1000;
  public static final int DEFAULT_HISTORY_TTL_SECONDS = 3600;
  public static final int DEFAULT_MAX_DATA_BYTES = 32 * 1024;
  public static final int DEFAULT_HISTORY_MAX_BYTES = 1024 * 1024;
  public static final int DEFAULT_HISTORY_MAX_BYTES_PER_NODE = 256 * 1024 * 1024;
  public static final int DEFAULT_CHANNEL_IDLE_SECONDS = 24 * 3600;
  public static final int DEFAULT_PUBLISH_TIMEOUT_MS = 3000;
  public static final int DEFAULT_IDEMPOTENCY_SECONDS = 600;

  public BroadcastConfig {
    Check.range("historySize", historySize, 1, 1_000_000);
    Check.range("historyTtlSeconds", historyTtlSeconds, 1, 30 * 24 * 3600);
    Check.range("maxDataBytes", maxDataBytes, 16, 1024 * 1024);
    Check.range("historyMaxBytes", historyMaxBytes, 1024, 1024 * 1024 * 1024);
    Check.range("historyMaxBytesPerNode", historyMaxBytesPerNode, 1024, Integer.MAX_VALUE);
    Check.range("channelIdleSeconds", channelIdleSeconds, 1, 365 * 24 * 3600);
    Check.range("publishTimeoutMs", publishTimeoutMs, 100, 300_000);
    Check.range("idempotencySeconds", idempotencySeconds, 1, 7 * 24 * 3600);
    Check.atLeast("historyMaxBytes", historyMaxBytes, "maxDataBytes", maxDataBytes);
    Check.atLeast("historyMaxBytesPerNode", historyMaxBytesPerNode, "historyMaxBytes", historyMaxBytes);
  }

  static BroadcastConfig from(Section s) {
    s.allowOnly(Set.of("historySize", "historyTtlSeconds", "maxDataBytes", "historyMaxBytes", "historyMaxBytesPerNode", "channelIdleSeconds",
        "publishTimeoutMs", "idempotencySeconds"));
    return s.build(() -> new BroadcastConfig(
        s.integer("historySize", DEFAULT_HISTORY_SIZE),
        s.integer("historyTtlSeconds", DEFAULT_HISTORY_TTL_SECONDS),
        s.integer("maxDataBytes", DEFAULT_MAX_DATA_BYTES),
        s.integer("historyMaxBytes", DEFAULT_HISTORY_MAX_BYTES),
        s.integer("historyMaxBytesPerNode", DEFAULT_HISTORY_MAX_BYTES_PER_NODE),
        s.integer("channelIdleSeconds", DEFAULT_CHANNEL_IDLE_SECONDS),
        s.integer("publishTimeoutMs", DEFAULT_PUBLISH_TIMEOUT_MS),
        s.integer("idempotencySeconds", DEFAULT_IDEMPOTENCY_SECONDS)));
  }
}
