package dev.herald.protocol;

import java.util.Set;

/** The shapes of user ids and channel names (docs/protocol.md sections 1 and 2). */
public final class Names {

  public static final int MAX_USER_ID = 128;
  public static final int MAX_CHANNEL = 100;
  public static final int MAX_MESSAGE_ID = 64;

  /**
   * Channel names that would collide with the service addresses under {@code rt.channel.}:
   * {@code rt.channel.publish} is where messages are sent, not a channel.
   */
  public static final Set<String> RESERVED_CHANNELS = Set.of("publish", "history", "members");

  private Names() {
  }

  /** 1-128 characters of {@code [A-Za-z0-9_.@:-]}. */
  public static boolean isUserId(String s) {
    return s != null && !s.isEmpty() && s.length() <= MAX_USER_ID && allowed(s, true);
  }

  /**
   * 1-100 characters of {@code [A-Za-z0-9_.:@,-]}, not one of {@link #RESERVED_CHANNELS} ({@code @}
   * and {@code ,}: a user-limited channel lists user ids, {@code dm:ann@example.com,bob}).
   */
  public static boolean isChannel(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_CHANNEL || RESERVED_CHANNELS.contains(s)) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == ':' || c == '-' || c == '@' || c == ',')) {
        return false;
      }
    }
    return true;
  }

  /** A publisher's idempotency key: 1-64 characters of {@code [A-Za-z0-9_.:-]}. */
  public static boolean isMessageId(String s) {
    return s != null && !s.isEmpty() && s.length() <= MAX_MESSAGE_ID && allowed(s, false);
  }

  private static boolean allowed(String s, boolean at) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == ':' || c == '-' || (at && c == '@');
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
