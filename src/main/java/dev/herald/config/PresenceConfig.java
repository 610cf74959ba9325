package dev.herald.config;

import java.util.Set;

/**
 * {@code presence}: who is online.
 *
 * @param reconcileSeconds how often the oldest node checks that no presence record holds a
 *                         connection on a node that is no longer a member (the safety net behind
 *                         the cleanup at {@code nodeLeft}); default {@value #DEFAULT_RECONCILE_SECONDS}
 */
public record PresenceConfig(int reconcileSeconds) {

  public static final int DEFAULT_RECONCILE_SECONDS = 15;
  /** Most users in one {@code rt.presence.get}. */
  public static final int MAX_GET_USERS = 1000;

  static PresenceConfig from(Section s) {
    s.allowOnly(Set.of("reconcileSeconds"));
    return new PresenceConfig(s.integer("reconcileSeconds", DEFAULT_RECONCILE_SECONDS, 1, 3600));
  }
}
