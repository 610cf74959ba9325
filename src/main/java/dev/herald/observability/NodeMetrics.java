package dev.herald.observability;

import dev.herald.cluster.ClusterHandle;
import io.vertx.core.Vertx;

/**
 * The node's registry and its node-level gauges: connections and subscriptions (from the
 * gateways' reports) and cluster members. Each feature registers its own meters (the bridge's
 * counters, the channel, presence and webhook gauges).
 */
public final class NodeMetrics {

  private NodeMetrics() {
  }

  public static void register(Vertx vertx, String node, ClusterHandle cluster) {
    Metrics.create(vertx, node);
    Metrics.gauge(vertx, "herald_connections_open", "client connections open on this node", vertx, v -> NodeLoad.local(v).getInteger("connections"));
    Metrics.gauge(vertx, "herald_subscribed_addresses", "addresses with local subscribers on this node", vertx,
        v -> NodeLoad.local(v).getInteger("subscriptions"));
    Metrics.gauge(vertx, "herald_cluster_members", "members of the cluster", cluster, c -> c.hazelcast().getCluster().getMembers().size());
  }
}
