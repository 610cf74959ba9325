package dev.herald.protocol;

/**
 * The catalog of codes a connection is closed with (docs/protocol.md, "Close codes"). A raw
 * WebSocket gets the code in its close frame; every transport also gets it in the connection's
 * last frame ({@link Frame#closing}), since SockJS's own close always says 3000.
 */
public enum CloseCode {
  /** The token expired and was not refreshed. */
  TOKEN_EXPIRED(4401),
  /** A service disconnected the user (HTTP API). */
  DISCONNECTED(4403),
  /** The client sent nothing, not even a ping, for heartbeat.timeoutSeconds. */
  IDLE(4408),
  /** The client did not read what was sent to it (bridge.maxQueuedBytes). */
  SLOW_CONSUMER(4409),
  /** The client sent more than the server could queue while busy (bridge.maxPendingInboundBytes). */
  FLOODING(4429),
  /** The user holds the most connections a node allows one user (bridge.maxConnectionsPerUser). */
  TOO_MANY_CONNECTIONS(4430),
  /** A WebSocket frame or message over the transport limit. */
  TOO_BIG(1009),
  /** A transport error. */
  SERVER_ERROR(1011),
  /** The node is shutting down: reconnect elsewhere. */
  RESTART(1012),
  /** The node takes no more new connections this moment (bridge.connectsPerSecond): retry after the hint. */
  TRY_AGAIN_LATER(1013);

  public final int code;

  CloseCode(int code) {
    this.code = code;
  }
}
