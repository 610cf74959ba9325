package dev.herald.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A typed, path-aware view of one JSON config section. Every getter names the full path of
 * the key in its error, so records can validate in their constructors with one line per field.
 * Unknown keys are refused: a typo must not silently fall back to a default.
 */
final class Section {

  private final JsonObject json;
  private final String path;

  Section(JsonObject json, String path) {
    this.json = json == null ? new JsonObject() : json;
    this.path = path;
  }

  static Section of(JsonObject parent, String key, String parentPath) {
    String p = parentPath.isEmpty() ? key : parentPath + "." + key;
    Object v = parent == null ? null : parent.getValue(key);
    if (v != null && !(v instanceof JsonObject)) {
      throw new ConfigException(p + " must be an object");
    }
    return new Section((JsonObject) v, p);
  }

  Section section(String key) {
    return of(json, key, path);
  }

  String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean has(String key) {
    return json.getValue(key) != null;
  }

  void allowOnly(Set<String> keys) {
    for (String k : json.fieldNames()) {
      if (!keys.contains(k)) {
        throw new ConfigException(path(k) + " is not a known setting (known: " + String.join(", ", keys.stream().sorted().toList()) + ")");
      }
    }
  }

  int integer(String key, int def, int min, int max) {
    Object v = json.getValue(key);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new ConfigException(path(key) + " must be an integer");
    }
    long l = n.longValue();
    if (l < min || l > max) {
      throw new ConfigException(path(key) + " must be between " + min + " and " + max + " (was " + l + ")");
    }
    return (int) l;
  }

  boolean bool(String key, boolean def) {
    Object v = json.getValue(key);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Boolean b)) {
      throw new ConfigException(path(key) + " must be true or false");
    }
    return b;
  }

  /** A string, or {@code def} when absent; an empty string counts as absent. */
  String string(String key, String def) {
    Object v = json.getValue(key);
    if (v == null) {
      return def;
    }
    if (!(v instanceof String s)) {
      throw new ConfigException(path(key) + " must be a string");
    }
    return s.isEmpty() ? def : s;
  }

  List<String> strings(String key, List<String> def) {
    Object v = json.getValue(key);
    if (v == null) {
      return def;
    }
    if (!(v instanceof JsonArray arr)) {
      throw new ConfigException(path(key) + " must be a list of strings");
    }
    List<String> out = new ArrayList<>(arr.size());
    for (Object o : arr) {
      if (!(o instanceof String s) || s.isBlank()) {
        throw new ConfigException(path(key) + " must be a list of non-empty strings");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  JsonObject raw() {
    return json;
  }
}
