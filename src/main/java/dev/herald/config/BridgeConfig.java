package dev.herald.config;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code bridge}: limits on what one client connection may do. Each limit, when it bites, is
 * answered (an {@code err} frame, or a close with its own code) and counted in {@code /metrics}.
 *
 * @param maxFrameBytes        largest inbound frame; bigger ones get an error or close the socket;
 *                             default {@value #DEFAULT_MAX_FRAME_BYTES}
 * @param maxAddressLength     longest address; default {@value #DEFAULT_MAX_ADDRESS_LENGTH}
 * @param maxHandlersPerSocket most registered addresses per connection; default {@value #DEFAULT_MAX_HANDLERS_PER_SOCKET}
 * @param maxPendingReplies    most requests per connection waiting for a reply; default {@value #DEFAULT_MAX_PENDING_REPLIES}
 * @param replyTimeoutMs       how long a client request waits for the service that answers it;
 *                             default {@value #DEFAULT_REPLY_TIMEOUT_MS}
 * @param publishPerSecond     channel publishes per second per connection, with bursts of twice
 *                             that, with or without a reply address; default {@value #DEFAULT_PUBLISH_PER_SECOND}
 * @param commandsPerSecond    frames of any type per second per connection (pings included);
 *                             default {@value #DEFAULT_COMMANDS_PER_SECOND}
 * @param commandBurst         frames a connection may send at once before the rate applies (a
 *                             client re-registering its subscriptions after a reconnect);
 *                             default {@value #DEFAULT_COMMAND_BURST}
 * @param maxQueuedBytes       bytes queued for a connection that does not read them; past it the
 *                             connection is closed as a slow consumer (it recovers from history
 *                             when it reconnects); default {@value #DEFAULT_MAX_QUEUED_BYTES}
 * @param maxPendingInboundBytes bytes of frames read from a connection and waiting behind one the
 *                             server is still handling; past it the connection is closed as
 *                             flooding; default {@value #DEFAULT_MAX_PENDING_INBOUND_BYTES}
 * @param answerBytesPerSecond bytes of answers (history pages, member lists, any reply) a connection
 *                             may be sent a second, with bursts of four times that; a request made
 *                             while its answers are over it gets {@code err} {@code rate_limited};
 *                             default {@value #DEFAULT_ANSWER_BYTES_PER_SECOND}
 * @param maxConnectionsPerUser bridge connections one user may hold on a node; past it a new one
 *                             is closed {@code 4430}; default {@value #DEFAULT_MAX_CONNECTIONS_PER_USER}
 * @param connectsPerSecond    new bridge connections a node takes a second (bursts of as many), shared by
 *                             its gateway instances; the others are told to come back later, each at
 *                             the next free slot (close 1013 with {@code retryAfterMs}), so a storm of
 *                             reconnects is spread at a rate the node takes; default {@value #DEFAULT_CONNECTS_PER_SECOND},
 *                             above what a node completes (a turned-away connect still costs a third
 *                             to a half of an admitted one: set below a node's own pace it lengthens a
 *                             storm, docs/benchmarks.md "reconnect storm")
 * @param maxContacts          users one connection may follow with {@code rt.presence.contacts}; default {@value #DEFAULT_MAX_CONTACTS}
 * @param sseMaxChannels       channels one Server-Sent Events stream ({@code GET /eventbus/sse}) may
 *                             name; 0 turns the endpoint off; default {@value #DEFAULT_SSE_MAX_CHANNELS}
 * @param transports           the SockJS transports served (besides Herald's raw WebSocket, always
 *                             on): any of {@code websocket}, {@code xhr} (polling and streaming),
 *                             {@code eventsource}, {@code htmlfile}, {@code jsonp}; default
 *                             {@code ["websocket", "xhr"]}, the ones that need neither an iframe nor
 *                             a script callback
 * @param registerSettleMs     how long a channel's first registration on a gateway waits for the
 *                             channel's owner to reach it before the register is answered (the
 *                             owner delivers through a cached view of the registrations that lags
 *                             the cluster's; docs/protocol.md, "Bridge frames"); 0 answers at once;
 *                             default {@value #DEFAULT_REGISTER_SETTLE_MS}
 * @param drainGraceSeconds    on a graceful stop, how long the node's connections stay in presence
 *                             and channels while their clients reconnect elsewhere (no offline
 *                             flap); 0 takes them out at once; default {@value #DEFAULT_DRAIN_GRACE_SECONDS}
 */
public record BridgeConfig(int maxFrameBytes, int maxAddressLength, int maxHandlersPerSocket,
                           int maxPendingReplies, int replyTimeoutMs, int publishPerSecond,
                           int commandsPerSecond, int commandBurst, int maxQueuedBytes, int maxPendingInboundBytes,
                           int answerBytesPerSecond, int maxConnectionsPerUser, int connectsPerSecond, int maxContacts, int sseMaxChannels, List<String> transports,
                           int registerSettleMs, int drainGraceSeconds) {

  public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
  public static final int DEFAULT_MAX_ADDRESS_LENGTH = 200;
  public static final int DEFAULT_MAX_HANDLERS_PER_SOCKET = 1000;
  public static final int DEFAULT_MAX_PENDING_REPLIES = 100;
  public static final int DEFAULT_REPLY_TIMEOUT_MS = 10_000;
  public static final int DEFAULT_PUBLISH_PER_SECOND = 100;
  public static final int DEFAULT_COMMANDS_PER_SECOND = 100;
  public static final int DEFAULT_COMMAND_BURST = 1200;
  public static final int DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_PENDING_INBOUND_BYTES = 1024 * 1024;
  public static final int DEFAULT_DRAIN_GRACE_SECONDS = 3;
  public static final int DEFAULT_ANSWER_BYTES_PER_SECOND = 2 * 1024 * 1024;
  public static final int DEFAULT_MAX_CONNECTIONS_PER_USER = 100;
  public static final int DEFAULT_MAX_CONTACTS = 1000;
  public static final int DEFAULT_CONNECTS_PER_SECOND = 2000;
  public static final int DEFAULT_SSE_MAX_CHANNELS = 16;
  public static final int DEFAULT_REGISTER_SETTLE_MS = 2000;
  /** The SockJS transports a deployment may turn on. */
  public static final Set<String> TRANSPORTS = Set.of("websocket", "xhr", "eventsource", "htmlfile", "jsonp");
  public static final List<String> DEFAULT_TRANSPORTS = List.of("websocket", "xhr");

  public BridgeConfig {
    Check.range("maxFrameBytes", maxFrameBytes, 1024, 16 * 1024 * 1024);
    Check.range("maxAddressLength", maxAddressLength, 16, 1024);
    Check.range("maxHandlersPerSocket", maxHandlersPerSocket, 1, 100_000);
    Check.range("maxPendingReplies", maxPendingReplies, 1, 10_000);
    Check.range("replyTimeoutMs", replyTimeoutMs, 100, 300_000);
    Check.range("publishPerSecond", publishPerSecond, 1, 1_000_000);
    Check.range("commandsPerSecond", commandsPerSecond, 1, 1_000_000);
    Check.range("commandBurst", commandBurst, 1, 1_000_000);
    Check.range("maxQueuedBytes", maxQueuedBytes, 64 * 1024, 1024 * 1024 * 1024);
    Check.range("maxPendingInboundBytes", maxPendingInboundBytes, 1024, 1024 * 1024 * 1024);
    Check.range("answerBytesPerSecond", answerBytesPerSecond, 64 * 1024, 1024 * 1024 * 1024);
    Check.range("maxConnectionsPerUser", maxConnectionsPerUser, 1, 1_000_000);
    Check.range("connectsPerSecond", connectsPerSecond, 1, 1_000_000);
    Check.range("maxContacts", maxContacts, 0, 100_000);
    Check.range("sseMaxChannels", sseMaxChannels, 0, 100);
    Check.range("registerSettleMs", registerSettleMs, 0, 30_000);
    Check.range("drainGraceSeconds", drainGraceSeconds, 0, 60);
    transports = List.copyOf(transports);
    for (String t : transports) {
      if (!TRANSPORTS.contains(t)) {
        throw Check.fail("transports", ": unknown transport " + t + " (known: " + String.join(", ", new TreeSet<>(TRANSPORTS)) + ")");
      }
    }
    Check.atLeast("maxPendingInboundBytes", maxPendingInboundBytes, "maxFrameBytes", maxFrameBytes);
  }

  static BridgeConfig from(Section s) {
    s.allowOnly(Set.of("maxFrameBytes", "maxAddressLength", "maxHandlersPerSocket", "maxPendingReplies", "replyTimeoutMs",
        "publishPerSecond", "commandsPerSecond", "commandBurst", "maxQueuedBytes", "maxPendingInboundBytes",
        "answerBytesPerSecond", "maxConnectionsPerUser", "connectsPerSecond", "maxContacts", "sseMaxChannels", "transports", "registerSettleMs", "drainGraceSeconds"));
    return s.build(() -> new BridgeConfig(
        s.integer("maxFrameBytes", DEFAULT_MAX_FRAME_BYTES),
        s.integer("maxAddressLength", DEFAULT_MAX_ADDRESS_LENGTH),
        s.integer("maxHandlersPerSocket", DEFAULT_MAX_HANDLERS_PER_SOCKET),
        s.integer("maxPendingReplies", DEFAULT_MAX_PENDING_REPLIES),
        s.integer("replyTimeoutMs", DEFAULT_REPLY_TIMEOUT_MS),
        s.integer("publishPerSecond", DEFAULT_PUBLISH_PER_SECOND),
        s.integer("commandsPerSecond", DEFAULT_COMMANDS_PER_SECOND),
        s.integer("commandBurst", DEFAULT_COMMAND_BURST),
        s.integer("maxQueuedBytes", DEFAULT_MAX_QUEUED_BYTES),
        s.integer("maxPendingInboundBytes", DEFAULT_MAX_PENDING_INBOUND_BYTES),
        s.integer("answerBytesPerSecond", DEFAULT_ANSWER_BYTES_PER_SECOND),
        s.integer("maxConnectionsPerUser", DEFAULT_MAX_CONNECTIONS_PER_USER),
        s.integer("connectsPerSecond", DEFAULT_CONNECTS_PER_SECOND),
        s.integer("maxContacts", DEFAULT_MAX_CONTACTS),
        s.integer("sseMaxChannels", DEFAULT_SSE_MAX_CHANNELS),
        s.strings("transports", DEFAULT_TRANSPORTS),
        s.integer("registerSettleMs", DEFAULT_REGISTER_SETTLE_MS),
        s.integer("drainGraceSeconds", DEFAULT_DRAIN_GRACE_SECONDS)));
  }
}
