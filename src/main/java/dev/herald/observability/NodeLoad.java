package dev.herald.observability;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;

/**
 * This node's load and the cluster's, in node-local shared data: each gateway instance reports its
 * own counts, the heartbeat verticle sums them for its beat and keeps the last beat of every node.
 */
public final class NodeLoad {

  private static final String INSTANCES = "herald.load.instances";
  private static final String CLUSTER = "herald.load.cluster";

  private NodeLoad() {
  }

  /** A gateway instance's current counts. */
  public static void report(Vertx vertx, String instanceId, int connections, int subscriptions) {
    LocalMap<String, JsonObject> m = vertx.sharedData().getLocalMap(INSTANCES);
    m.put(instanceId, new JsonObject().put("connections", connections).put("subscriptions", subscriptions));
  }

  public static void forget(Vertx vertx, String instanceId) {
    vertx.sharedData().<String, JsonObject>getLocalMap(INSTANCES).remove(instanceId);
  }

  /** This node's totals: {@code {"connections", "subscriptions"}}. */
  public static JsonObject local(Vertx vertx) {
    int connections = 0;
    int subscriptions = 0;
    for (JsonObject j : vertx.sharedData().<String, JsonObject>getLocalMap(INSTANCES).values()) {
      connections += j.getInteger("connections");
      subscriptions += j.getInteger("subscriptions");
    }
    return new JsonObject().put("connections", connections).put("subscriptions", subscriptions);
  }

  /** Keeps a node's beat, stamped with when it arrived. */
  public static void beat(Vertx vertx, JsonObject beat, long receivedAt) {
    vertx.sharedData().<String, JsonObject>getLocalMap(CLUSTER).put(beat.getString("nodeId"), beat.copy().put("receivedAt", receivedAt));
  }

  /** Forgets nodes not heard from since {@code before}. */
  public static void expire(Vertx vertx, long before) {
    vertx.sharedData().<String, JsonObject>getLocalMap(CLUSTER).values().removeIf(j -> j.getLong("receivedAt") < before);
  }

  /** The last beat of every node heard from recently. */
  public static java.util.Collection<JsonObject> cluster(Vertx vertx) {
    return vertx.sharedData().<String, JsonObject>getLocalMap(CLUSTER).values();
  }
}
