package dev.herald.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class JsonShapeTest {

  @Test
  @DisplayName("depth counts nested objects and arrays; scalars are 0; 990 levels are measured without recursion")
  void depth() {
    assertNull(JsonShape.refusal("x", 0));
    assertNull(JsonShape.refusal(new JsonObject(), 1));
    assertEquals(JsonShape.TOO_DEEP, JsonShape.refusal(new JsonObject(), 0));
    assertNull(JsonShape.refusal(new JsonObject("{\"a\":[{\"b\":1}]}"), 3));
    assertEquals(JsonShape.TOO_DEEP, JsonShape.refusal(new JsonObject("{\"a\":[{\"b\":{}}]}"), 3));
    String deep = "[".repeat(990) + "]".repeat(990);
    assertEquals(JsonShape.TOO_DEEP, JsonShape.refusal(new JsonArray(deep), 32));
    assertNull(JsonShape.refusal(new JsonArray(deep), 990));
    assertEquals("JSON nested deeper than 32 levels", JsonShape.explain(JsonShape.TOO_DEEP, 32));
  }

  @Test
  @DisplayName("attack: a lone surrogate (in a value, deep in an array, or in a key) and a number past a double's range are refused; pairs, emoji and large finite numbers pass")
  void onlyWhatWritesBackTheSame() {
    for (String json : new String[] {"\"a\\uD800b\"", "\"\\uDC00\"", "\"x\\uD83D\"", "[1,[\"\\uDFFF\"]]", "{\"k\\uD800\":1}", "1e999999", "[-1e400]"}) {
      assertNotNull(JsonShape.refusal(io.vertx.core.json.Json.decodeValue(json), 32), json);
    }
    for (String json : new String[] {"\"a\\uD83D\\uDE00b\"", "\"\u20ac\"", "1.7e308", "{\"\\uD83D\\uDE00\":[1e300]}", "null", "true"}) {
      assertNull(JsonShape.refusal(io.vertx.core.json.Json.decodeValue(json), 32), json);
    }
  }
}
