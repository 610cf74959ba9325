package dev.herald.config;

import java.util.Locale;

/** The verticles a node can run; {@code roles} in the config says which and how many. */
public enum Role {
  GATEWAY, AUTH, PRESENCE, BROADCAST, HEARTBEAT, WEBHOOK;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
