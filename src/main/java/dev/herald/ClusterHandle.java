package dev.herald;

import com.hazelcast.core.HazelcastInstance;

/**
 * What a verticle may know of the cluster it runs in: this node's id and the Hazelcast instance,
 * for the structures Vert.x's AsyncMap cannot express (entry processors, ring buffers).
 * The node id is the Hazelcast member UUID (not Vert.x's own node id, a member attribute), so it
 * can be matched against membership events and member lists.
 */
public record ClusterHandle(String nodeId, HazelcastInstance hazelcast) {

  public static ClusterHandle of(HazelcastInstance hz) {
    return new ClusterHandle(hz.getCluster().getLocalMember().getUuid().toString(), hz);
  }

  /** True when no partition is migrating and every backup is in place: losing one member now loses nothing. */
  public boolean isSafe() {
    return hazelcast.getPartitionService().isClusterSafe();
  }

  /** Entries in the clustered event bus's registration map ({@code __vertx.subs}), cluster-wide. */
  public int busRegistrations() {
    return hazelcast.getMultiMap("__vertx.subs").size();
  }

  /** True when this node is the oldest member: the one that cleans up after members that left. */
  public boolean isOldest() {
    return hazelcast.getCluster().getMembers().iterator().next().localMember();
  }
}
