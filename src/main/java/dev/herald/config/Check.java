package dev.herald.config;

import java.nio.charset.StandardCharsets;

/**
 * The checks a config record's constructor makes of its fields. Each error names the field
 * relative to the record; {@link Section#build} names it in full when the record is read from the file.
 */
final class Check {

  private Check() {
  }

  /** An error about {@code key}: its name, then {@code rest}. */
  static ConfigException fail(String key, String rest) {
    return new ConfigException(k -> k.apply(key) + rest);
  }

  static void range(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw fail(key, " must be between " + min + " and " + max + " (was " + value + ")");
    }
  }

  /** As {@link #range}, for a field where null means unset. */
  static void rangeIfSet(String key, Integer value, int min, int max) {
    if (value != null) {
      range(key, value, min, max);
    }
  }

  /** {@code key}'s value is at least {@code otherKey}'s. */
  static void atLeast(String key, int value, String otherKey, int other) {
    if (value < other) {
      throw new ConfigException(k -> k.apply(key) + " must be at least " + k.apply(otherKey) + " (" + other + ")");
    }
  }

  /** A secret, when set, of at least {@code minBytes} bytes in UTF-8. */
  static void secret(String key, String value, int minBytes) {
    if (value != null && value.getBytes(StandardCharsets.UTF_8).length < minBytes) {
      throw fail(key, " must be at least " + minBytes + " bytes");
    }
  }
}
