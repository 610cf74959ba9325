package dev.herald.presence;

import java.util.Locale;

/** A user's presence status. Clients choose the first three; {@link #OFFLINE} is what remains with no connection. */
public enum Status {
  ONLINE, BUSY, AWAY, OFFLINE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A status a client may set, or null for anything else (including "offline"). */
  public static Status settable(Object value) {
    if (value instanceof String s) {
      switch (s) {
        case "online": return ONLINE;
        case "busy": return BUSY;
        case "away": return AWAY;
        default: return null;
      }
    }
    return null;
  }
}
