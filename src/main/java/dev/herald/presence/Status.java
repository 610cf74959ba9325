package dev.herald.presence;

import java.util.Locale;

/** A user's presence status. Clients choose the first three; {@link #OFFLINE} is what remains with no connection. */
public enum Status {
  ONLINE, BUSY, AWAY, OFFLINE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A status a client chose ({@link dev.herald.protocol.message.PresenceSet}, so never offline). */
  public static Status chosen(dev.herald.protocol.message.PresenceSet set) {
    return valueOf(set.status().toUpperCase(Locale.ROOT));
  }
}
