package dev.herald.observability;

import io.vertx.core.Vertx;

import java.util.function.IntSupplier;

/**
 * The node's registry and its one node-level gauge, cluster members. Each feature registers its
 * own meters (the gateway's connections and counters, the channel, presence and webhook gauges).
 */
public final class NodeMetrics {

  private NodeMetrics() {
  }

  public static void register(Vertx vertx, String node, IntSupplier clusterMembers) {
    Metrics.create(vertx, node);
    Metrics.gauge(vertx, "herald_cluster_members", "members of the cluster", clusterMembers, IntSupplier::getAsInt);
  }
}
