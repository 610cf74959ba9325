package dev.herald.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonDepthTest {

  @Test
  @DisplayName("depth counts nested objects and arrays; scalars are 0; 990 levels are measured without recursion")
  void depth() {
    assertFalse(JsonDepth.exceeds("x", 0));
    assertFalse(JsonDepth.exceeds(new JsonObject(), 1));
    assertTrue(JsonDepth.exceeds(new JsonObject(), 0));
    assertFalse(JsonDepth.exceeds(new JsonObject("{\"a\":[{\"b\":1}]}"), 3));
    assertTrue(JsonDepth.exceeds(new JsonObject("{\"a\":[{\"b\":{}}]}"), 3));
    String deep = "[".repeat(990) + "]".repeat(990);
    assertTrue(JsonDepth.exceeds(new JsonArray(deep), 32));
    assertFalse(JsonDepth.exceeds(new JsonArray(deep), 990));
  }
}
