package dev.herald.token;

import dev.herald.cluster.Structures;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;

import java.util.concurrent.TimeUnit;

/**
 * Revoked users: tokens of a user issued before the revocation are refused at the handshake, on
 * the HTTP API and on refresh. Kept in a Hazelcast {@code ReplicatedMap}: every node holds a full
 * copy, so the check at each handshake is a local read, and a revocation reaches every node as
 * fast as the cluster replicates (well under a second on a LAN). An entry expires after
 * {@code auth.revocationTtlSeconds}, by when every token issued before it has expired.
 */
public final class Revocations {

  public static final String MAP = Structures.REVOCATIONS;

  private final ReplicatedMap<String, Long> revokedAt;

  public Revocations(HazelcastInstance hazelcast) {
    this.revokedAt = hazelcast.getReplicatedMap(MAP);
  }

  /** Refuses the user's tokens issued before {@code nowSeconds}, for {@code ttlSeconds}. */
  public void revoke(String userId, long nowSeconds, int ttlSeconds) {
    revokedAt.put(userId, nowSeconds, ttlSeconds, TimeUnit.SECONDS);
  }

  public boolean isRevoked(Principal p) {
    return revoked(revokedAt.get(p.userId()), p.iat());
  }

  /**
   * The rule: a token is revoked when its user was revoked after it was issued. A token issued in
   * the revocation's second (a new login right after it) passes; one without {@code iat} counts
   * as issued long ago.
   */
  static boolean revoked(Long revokedAtSeconds, long iatSeconds) {
    return revokedAtSeconds != null && iatSeconds < revokedAtSeconds;
  }
}
