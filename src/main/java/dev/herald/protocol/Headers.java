package dev.herald.protocol;

/**
 * Event-bus header names the gateway sets on every message it forwards for a client.
 * The gateway overwrites whatever a client sends under these names, so services can trust them.
 */
public final class Headers {

  /** The verified {@code sub} of the connection that sent the message. */
  public static final String USER_ID = "x-herald-user";
  /** The node-unique id of that connection. */
  public static final String CONNECTION_ID = "x-herald-conn";
  /** The trace id of the work this message is part of. */
  public static final String TRACE_ID = "traceId";

  private Headers() {
  }
}
