package dev.herald.protocol.message;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GatewayBatchTest {

  private static JsonObject item(String user, String connId, String traceId) {
    JsonObject j = new JsonObject().put("userId", user).put("connId", connId);
    return traceId == null ? j : j.put("traceId", traceId);
  }

  @Test
  @DisplayName("a batch groups its items by key in order; each key is traced by its first item's trace id, else its first connection id")
  void grouped() {
    JsonObject body = new JsonObject().put("nodeId", "n1").put(GatewayBatch.CONNECTIONS, new JsonArray()
        .add(item("ann", "c1", null)).add(item("bob", "c2", "t-bob")).add(item("ann", "c3", "t-ann")));
    GatewayBatch b = GatewayBatch.read(body, null, GatewayBatch.CONNECTIONS, GatewayBatch.Item::userId);
    assertEquals("n1", b.nodeId());
    assertEquals(Map.of("ann", List.of("c1", "c3"), "bob", List.of("c2")), b.connections());
    assertEquals(List.of("ann", "bob"), List.copyOf(b.connections().keySet()), "keys in the order first seen");
    assertEquals(Map.of("ann", "c1", "bob", "t-bob"), b.traces());
  }

  @Test
  @DisplayName("an item without a trace id takes the message's trace header; one item alone is a batch of one")
  void headerAndSingleItem() {
    JsonObject body = new JsonObject().put(GatewayBatch.LEAVES, new JsonArray().add(item("ann", "c1", null)));
    assertEquals(Map.of("ann", "t-head"), GatewayBatch.read(body, "t-head", GatewayBatch.LEAVES, GatewayBatch.Item::userId).traces());
    GatewayBatch one = GatewayBatch.read(item("bob", "c2", null).put("nodeId", "n2"), "t-head", GatewayBatch.LEAVES, GatewayBatch.Item::userId);
    assertEquals(Map.of("bob", List.of("c2")), one.connections());
    assertEquals(Map.of("bob", "t-head"), one.traces());
    assertEquals("n2", one.nodeId());
  }
}
