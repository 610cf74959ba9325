package dev.herald.membership;

import com.hazelcast.map.IMap;
import dev.herald.cluster.ClusterHandle;
import dev.herald.cluster.Janitor;
import dev.herald.config.NamespacesConfig;
import io.vertx.core.Future;

import java.util.Set;

/**
 * Takes the connections of nodes that are gone out of channel membership, and publishes each
 * resulting {@code leave} once, and the occupancy change of each channel in one update ({@link Janitor}).
 */
public final class MembershipJanitor extends Janitor {

  private final String node;
  private final boolean joinWebhooks;
  private final NamespacesConfig namespaces;

  public MembershipJanitor(int reconcileSeconds, ClusterHandle cluster, String node, boolean joinWebhooks, NamespacesConfig namespaces) {
    super(cluster, reconcileSeconds);
    this.node = node;
    this.joinWebhooks = joinWebhooks;
    this.namespaces = namespaces;
  }

  @Override
  protected Future<Void> clean(Set<String> nodes, boolean alive) {
    IMap<String, Membership> members = cluster.hazelcast().getMap(ChannelMembersVerticle.MAP);
    return run("channel members", members, MembershipOp.nodes(nodes, alive), nodes, alive,
        changes -> MembershipEvents.memberships(vertx, cluster, changes, node, key -> null, joinWebhooks, namespaces));
  }
}
