package dev.herald.heartbeat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/** The last beat of every node heard from recently, each stamped with when it arrived. */
final class ClusterView {

  private final Map<String, JsonObject> beats = new LinkedHashMap<>();

  /** Keeps a node's beat (the newer of two from one node wins by arrival). */
  void beat(JsonObject beat, long receivedAt) {
    String nodeId = beat.getString("nodeId");
    if (nodeId != null) {
      beats.put(nodeId, beat.copy().put("receivedAt", receivedAt));
    }
  }

  /** Forgets nodes not heard from since {@code before}. */
  void expire(long before) {
    beats.values().removeIf(j -> j.getLong("receivedAt") < before);
  }

  JsonArray nodes() {
    JsonArray out = new JsonArray();
    beats.values().forEach(out::add);
    return out;
  }
}
