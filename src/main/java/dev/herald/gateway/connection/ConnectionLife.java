package dev.herald.gateway.connection;

/**
 * Where a connection is in its life, and what each change means: pure, no I/O, unit-tested. Two
 * things move, each one way only: the connection itself (open, then closed, once, by a drain or
 * not) and its count in presence (not counted, counted, left). The handlers ask it what to do: a
 * close that already happened does nothing again; presence is told of a close only when it
 * counted the connection, once; a count that completes after a (non-drain) close is left at once;
 * after a drain the connection stays counted until its node has left (the janitor takes it out),
 * so a user who reconnects elsewhere never shows offline.
 */
public final class ConnectionLife {

  public enum Presence { NONE, JOINED, LEFT }

  private boolean closed;
  private boolean byDrain;
  private Presence presence = Presence.NONE;

  public boolean closed() {
    return closed;
  }

  boolean closedByDrain() {
    return closed && byDrain;
  }

  public Presence presence() {
    return presence;
  }

  /** The connection closes; false when it had closed already (nothing more to do). */
  public boolean close(boolean drain) {
    if (closed) {
      return false;
    }
    closed = true;
    byDrain = drain;
    return true;
  }

  /**
   * Presence answered the count ({@code counted}: it has the connection, or may have: a timeout);
   * true when the connection closed meanwhile, not by a drain, so it must leave now.
   */
  public boolean counted(boolean counted) {
    presence = counted ? Presence.JOINED : Presence.NONE;
    return counted && closed && !byDrain;
  }

  /** True, once, when presence must be told the connection is gone (it counted it, and was not told). */
  public boolean leave() {
    if (presence != Presence.JOINED) {
      return false;
    }
    presence = Presence.LEFT;
    return true;
  }
}
