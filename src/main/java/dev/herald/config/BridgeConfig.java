package dev.herald.config;

import java.util.Set;

/**
 * {@code bridge}: limits on what one client connection may do.
 *
 * @param maxFrameBytes        largest inbound frame; bigger ones get an error or close the socket;
 *                             default {@value #DEFAULT_MAX_FRAME_BYTES}
 * @param maxAddressLength     longest address; default {@value #DEFAULT_MAX_ADDRESS_LENGTH}
 * @param maxHandlersPerSocket most registered addresses per connection; default {@value #DEFAULT_MAX_HANDLERS_PER_SOCKET}
 * @param maxPendingReplies    most requests per connection waiting for a reply; default {@value #DEFAULT_MAX_PENDING_REPLIES}
 * @param replyTimeoutMs       how long a client request waits for the service that answers it;
 *                             default {@value #DEFAULT_REPLY_TIMEOUT_MS}
 * @param publishPerSecond     channel publishes per second per connection, with bursts of twice
 *                             that; default {@value #DEFAULT_PUBLISH_PER_SECOND}
 */
public record BridgeConfig(int maxFrameBytes, int maxAddressLength, int maxHandlersPerSocket,
                           int maxPendingReplies, int replyTimeoutMs, int publishPerSecond) {

  public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
  public static final int DEFAULT_MAX_ADDRESS_LENGTH = 200;
  public static final int DEFAULT_MAX_HANDLERS_PER_SOCKET = 1000;
  public static final int DEFAULT_MAX_PENDING_REPLIES = 100;
  public static final int DEFAULT_REPLY_TIMEOUT_MS = 10_000;
  public static final int DEFAULT_PUBLISH_PER_SECOND = 100;

  static BridgeConfig from(Section s) {
    s.allowOnly(Set.of("maxFrameBytes", "maxAddressLength", "maxHandlersPerSocket", "maxPendingReplies", "replyTimeoutMs", "publishPerSecond"));
    return new BridgeConfig(
        s.integer("maxFrameBytes", DEFAULT_MAX_FRAME_BYTES, 1024, 16 * 1024 * 1024),
        s.integer("maxAddressLength", DEFAULT_MAX_ADDRESS_LENGTH, 16, 1024),
        s.integer("maxHandlersPerSocket", DEFAULT_MAX_HANDLERS_PER_SOCKET, 1, 100_000),
        s.integer("maxPendingReplies", DEFAULT_MAX_PENDING_REPLIES, 1, 10_000),
        s.integer("replyTimeoutMs", DEFAULT_REPLY_TIMEOUT_MS, 100, 300_000),
        s.integer("publishPerSecond", DEFAULT_PUBLISH_PER_SECOND, 1, 1_000_000));
  }
}
