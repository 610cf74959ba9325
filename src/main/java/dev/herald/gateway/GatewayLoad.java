package dev.herald.gateway;

import dev.herald.observability.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * This node's client load, summed over its gateway instances: each instance reports its own counts
 * every second into node-local shared data, so any instance can tell the node's total (for
 * {@code /ready}, the gauges, and the heartbeat, which asks on {@link dev.herald.protocol.Addresses#GATEWAY_LOAD}).
 */
public final class GatewayLoad {

  private static final String INSTANCES = "herald.gateway.load";

  private GatewayLoad() {
  }

  static void report(Vertx vertx, String instanceId, int connections, int subscriptions) {
    vertx.sharedData().<String, JsonObject>getLocalMap(INSTANCES)
        .put(instanceId, new JsonObject().put("connections", connections).put("subscriptions", subscriptions));
  }

  static void forget(Vertx vertx, String instanceId) {
    vertx.sharedData().<String, JsonObject>getLocalMap(INSTANCES).remove(instanceId);
  }

  /** This node's totals: {@code {"connections", "subscriptions"}}. */
  static JsonObject local(Vertx vertx) {
    int connections = 0;
    int subscriptions = 0;
    for (JsonObject j : vertx.sharedData().<String, JsonObject>getLocalMap(INSTANCES).values()) {
      connections += j.getInteger("connections");
      subscriptions += j.getInteger("subscriptions");
    }
    return new JsonObject().put("connections", connections).put("subscriptions", subscriptions);
  }

  /** The gateway's node-level gauges. */
  public static void register(Vertx vertx) {
    Metrics.gauge(vertx, "herald_connections_open", "client connections open on this node", vertx, v -> local(v).getInteger("connections"));
    Metrics.gauge(vertx, "herald_subscribed_addresses", "addresses with local subscribers on this node", vertx,
        v -> local(v).getInteger("subscriptions"));
  }
}
