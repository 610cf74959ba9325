package dev.herald.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Map;

/**
 * How deep JSON nests, measured without recursion. Every JSON a client or caller sends is held to
 * {@code http.maxJsonDepth} at the edge: a message nested ~1 000 deep parses, is stored, and then
 * breaks every later read of its channel (Jackson refuses to write or read it back with the
 * envelope around it).
 */
public final class JsonDepth {

  private JsonDepth() {
  }

  /** True when {@code value} nests objects and arrays more than {@code max} levels deep (a scalar is 0, {@code {}} is 1). */
  public static boolean exceeds(Object value, int max) {
    if (!(value instanceof JsonObject || value instanceof JsonArray)) {
      return false; // scalars, on every frame's hot path: no walk
    }
    ArrayDeque<Object> stack = new ArrayDeque<>();
    ArrayDeque<Integer> depths = new ArrayDeque<>();
    stack.push(value);
    depths.push(0);
    while (!stack.isEmpty()) {
      Object v = stack.pop();
      int d = depths.pop();
      Iterable<?> children;
      if (v instanceof JsonObject o) {
        children = o.getMap().values();
      } else if (v instanceof Map<?, ?> m) {
        children = m.values();
      } else if (v instanceof JsonArray a) {
        children = a.getList();
      } else if (v instanceof Iterable<?> l) {
        children = l;
      } else {
        continue;
      }
      if (d + 1 > max) {
        return true;
      }
      for (Object c : children) {
        if (c != null) {
          stack.push(c);
          depths.push(d + 1);
        }
      }
    }
    return false;
  }
}
