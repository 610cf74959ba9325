package dev.herald.membership;

import com.hazelcast.map.EntryProcessor;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** A change to one user's membership of one channel, run on the partition that owns it. */
public final class MembershipOp implements EntryProcessor<String, Membership, Membership.Change> {

  private static final long serialVersionUID = 1L;

  // package-private for its wire form (MembershipSerializers)
  /** Joins: membership key to the connection ids that join it (a batch of joins; all on {@link #nodeId}). */
  final Map<String, List<String>> joins;
  /** Leaves: membership key to the connection ids that leave it (a batch of leaves). */
  final Map<String, List<String>> leaves;
  final String nodeId;
  final Set<String> nodes;
  final boolean keep;
  /** JOIN: the cluster's time at the join, the version a first membership starts from. */
  final long now;

  MembershipOp(Map<String, List<String>> joins, Map<String, List<String>> leaves, String nodeId, Set<String> nodes, boolean keep, long now) {
    this.joins = joins;
    this.leaves = leaves;
    this.nodeId = nodeId;
    this.nodes = nodes;
    this.keep = keep;
    this.now = now;
  }

  /**
   * Connections on {@code nodeId} joining: {@link Membership#key} to its connection ids; run on those
   * keys. {@code now}: the cluster's time ({@link dev.herald.cluster.ClusterHandle#now}).
   */
  public static MembershipOp join(Map<String, List<String>> joins, String nodeId, long now) {
    return new MembershipOp(joins, null, nodeId, null, false, now);
  }

  /** Connections leaving: {@link Membership#key} to its connection ids; run on those keys. */
  public static MembershipOp leave(Map<String, List<String>> leaves) {
    return new MembershipOp(null, leaves, null, null, false, 0);
  }

  /** Removes connections held by these nodes ({@code keep} false) or by any other node ({@code keep} true). */
  public static MembershipOp nodes(Set<String> nodes, boolean keep) {
    return new MembershipOp(null, null, null, Set.copyOf(nodes), keep, 0);
  }

  @Override
  public Membership.Change process(Map.Entry<String, Membership> entry) {
    Membership current = entry.getValue();
    Membership.Change change;
    if (joins != null) {
      String key = entry.getKey();
      change = Membership.join(current, Membership.channelOf(key), Membership.userOf(key), joins.getOrDefault(key, List.of()), nodeId, now);
    } else if (current == null) {
      return new Membership.Change(null, null, 0);
    } else if (leaves != null) {
      List<String> going = leaves.getOrDefault(entry.getKey(), List.of());
      change = current.leave(e -> going.contains(e.getKey()));
    } else {
      change = current.leave(e -> nodes.contains(e.getValue()) != keep);
    }
    if (change.next() == null) {
      entry.setValue(null);
    } else if (change.next() != current) {
      entry.setValue(change.next());
    }
    return change;
  }
}
