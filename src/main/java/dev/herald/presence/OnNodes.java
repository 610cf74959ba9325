package dev.herald.presence;

import com.hazelcast.query.Predicate;

import java.util.Map;
import java.util.Set;

/** Selects the presence records with a connection on one of {@code nodes} (or, inverted, on any other node). */
final class OnNodes implements Predicate<String, PresenceRecord> {

  private static final long serialVersionUID = 1L;

  private final Set<String> nodes;
  private final boolean outside;

  OnNodes(Set<String> nodes, boolean outside) {
    this.nodes = Set.copyOf(nodes);
    this.outside = outside;
  }

  @Override
  public boolean apply(Map.Entry<String, PresenceRecord> e) {
    return e.getValue() != null && e.getValue().hasConnectionOn(n -> nodes.contains(n) != outside);
  }
}
