package dev.herald.channel;

import com.hazelcast.map.IMap;
import dev.herald.cluster.ClusterHandle;
import dev.herald.cluster.Janitor;

import java.util.Set;

/**
 * Takes the connections of nodes that are gone out of channel membership, and publishes each
 * resulting {@code leave} (and occupancy webhook) once ({@link Janitor}).
 */
public final class MembershipJanitor extends Janitor {

  private final String node;

  public MembershipJanitor(int reconcileSeconds, ClusterHandle cluster, String node) {
    super(cluster, reconcileSeconds);
    this.node = node;
  }

  @Override
  protected void clean(Set<String> nodes, boolean alive) {
    IMap<String, Membership> members = cluster.hazelcast().getMap(ChannelMembersVerticle.MAP);
    run("channel members", members, MembershipOp.nodes(nodes, alive), nodes, alive,
        (key, c) -> MembershipEvents.membership(vertx, cluster, key, c, node, null));
  }
}
