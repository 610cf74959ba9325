package dev.herald.config;

import java.util.Set;

/**
 * {@code presence}: who is online.
 *
 * @param reconcileSeconds how often the oldest node checks that no presence record holds a
 *                         connection on a node that is no longer a member (the safety net behind
 *                         the cleanup at {@code nodeLeft}); default {@value #DEFAULT_RECONCILE_SECONDS}
 * @param offlineRecordSeconds how long the record of a user who went offline is kept (their
 *                         {@code lastSeen}); then it is forgotten, so users seen once do not
 *                         accumulate; default {@value #DEFAULT_OFFLINE_RECORD_SECONDS}
 */
public record PresenceConfig(int reconcileSeconds, int offlineRecordSeconds) {

  public static final int DEFAULT_RECONCILE_SECONDS = 15;
  public static final int DEFAULT_OFFLINE_RECORD_SECONDS = 24 * 3600;

  public PresenceConfig {
    Check.range("reconcileSeconds", reconcileSeconds, 1, 3600);
    Check.range("offlineRecordSeconds", offlineRecordSeconds, 1, 365 * 24 * 3600);
  }

  static PresenceConfig from(Section s) {
    s.allowOnly(Set.of("reconcileSeconds", "offlineRecordSeconds"));
    return s.build(() -> new PresenceConfig(s.integer("reconcileSeconds", DEFAULT_RECONCILE_SECONDS),
        s.integer("offlineRecordSeconds", DEFAULT_OFFLINE_RECORD_SECONDS)));
  }
}
