package dev.herald.heartbeat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClusterViewTest {

  private static JsonObject beat(String nodeId, int connections) {
    return new JsonObject().put("node", "n-" + nodeId).put("nodeId", nodeId).put("connections", connections);
  }

  @Test
  @DisplayName("one entry per node, its latest beat, stamped with when it arrived")
  void latestBeatPerNode() {
    ClusterView view = new ClusterView();
    view.beat(beat("a", 1), 100);
    view.beat(beat("b", 5), 110);
    view.beat(beat("a", 2), 200);
    assertEquals(2, view.nodes().size());
    JsonObject a = view.nodes().getJsonObject(0);
    assertEquals(2, a.getInteger("connections"));
    assertEquals(200, a.getLong("receivedAt"));
  }

  @Test
  @DisplayName("a node not heard from since the cut-off drops out; one heard at the cut-off stays")
  void expiry() {
    ClusterView view = new ClusterView();
    view.beat(beat("a", 1), 100);
    view.beat(beat("b", 1), 150);
    view.expire(150);
    assertEquals(1, view.nodes().size());
    assertEquals("b", view.nodes().getJsonObject(0).getString("nodeId"));
  }

  @Test
  @DisplayName("a beat without a node id is ignored, and a kept beat is a copy")
  void malformedAndCopied() {
    ClusterView view = new ClusterView();
    view.beat(new JsonObject().put("connections", 3), 100);
    assertEquals(0, view.nodes().size());
    JsonObject b = beat("b", 1);
    view.beat(b, 100);
    b.put("connections", 99);
    assertEquals(1, view.nodes().getJsonObject(0).getInteger("connections"));
  }
}
