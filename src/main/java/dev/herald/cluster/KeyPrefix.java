package dev.herald.cluster;

import com.hazelcast.query.Predicate;

import java.util.Map;

/** Selects the entries whose key starts with {@code prefix}: tested where each entry is stored, so only those travel. */
public record KeyPrefix<V>(String prefix) implements Predicate<String, V> {

  @Override
  public boolean apply(Map.Entry<String, V> e) {
    return e.getKey().startsWith(prefix);
  }
}
