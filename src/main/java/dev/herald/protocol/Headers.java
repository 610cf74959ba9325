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
  /** The trace id of the work this message is part of (the caller's, or one made up for the logs). */
  public static final String TRACE_ID = "traceId";
  /** Present when {@link #TRACE_ID} is the caller's own: a channel message then carries it to subscribers. */
  public static final String TRACED = "x-herald-traced";
  /** Present when the sender is a backend service on the HTTP API, not a connected user: its messages carry no {@code from}. */
  public static final String SERVICE = "x-herald-service";

  private Headers() {
  }
}
