package dev.herald.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A typed, path-aware view of one JSON config section. Its getters check only types (each error
 * names the full path of the key); the bounds are the records' own, and {@link #build} names the
 * keys of a record's errors from this section's path. Unknown keys are refused: a typo must not
 * silently fall back to a default.
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

  /** The record {@code make} builds; an error it throws names its keys from this section's path. */
  <T> T build(Supplier<T> make) {
    try {
      return make.get();
    } catch (ConfigException e) {
      throw e.under(path);
    }
  }

  int integer(String key, int def) {
    Integer v = integerOrNull(key);
    return v == null ? def : v;
  }

  /** An integer, or null when absent. */
  Integer integerOrNull(String key) {
    Object v = json.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new ConfigException(path(key) + " must be an integer");
    }
    long l = n.longValue();
    if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
      throw new ConfigException(path(key) + " must be between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE + " (was " + l + ")");
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
