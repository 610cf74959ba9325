package dev.herald.cluster;

import java.util.List;

/**
 * The catalog of Hazelcast structures: every map Herald (and Vert.x's cluster manager) keeps in the
 * cluster, named here only. Those that need more than Hazelcast's defaults (a backup, a merge
 * policy, the OBJECT format, an index) are configured in {@code cluster/herald-base.xml}, and a test
 * (HazelcastConfigTest) checks that file against this catalog both ways.
 */
public final class Structures {

  /** One {@code PresenceRecord} per user. */
  public static final String PRESENCE = "herald.presence";
  /** One {@code ChannelLog} per channel: its seq, epoch and history; guarded by the majority ({@link ClusterHandle#QUORUM}). */
  public static final String CHANNELS = "herald.channels";
  /** One {@code Membership} per (channel, user). */
  public static final String MEMBERS = "herald.members";
  /** Per channel, how many users are subscribed (for the occupied/vacated webhooks and channel info). */
  public static final String OCCUPANCY = "herald.occupancy";
  /** Which node sends each round's presence snapshot: the first to claim the round (entries expire). */
  public static final String SNAPSHOTS = "herald.snapshots";
  /** Replicated: per user, when their tokens were revoked. */
  public static final String REVOCATIONS = "herald.revocations";
  /** Vert.x's clustered event bus registrations. */
  public static final String VERTX_SUBS = "__vertx.subs";

  /** The maps that {@code cluster/herald-base.xml} configures. */
  public static final List<String> CONFIGURED = List.of(VERTX_SUBS, "__vertx.haInfo", "__vertx.nodeInfo", PRESENCE, CHANNELS, MEMBERS);

  private Structures() {
  }
}
