package dev.herald.cluster;

import com.hazelcast.query.Predicate;

import java.util.Map;
import java.util.Set;

/** Selects the records with a connection on one of {@code nodes} (or, inverted, on any other node). */
public final class OnNodes<V extends HeldConnections> implements Predicate<String, V> {

  private static final long serialVersionUID = 1L;

  private final Set<String> nodes;
  private final boolean outside;

  public OnNodes(Set<String> nodes, boolean outside) {
    this.nodes = Set.copyOf(nodes);
    this.outside = outside;
  }

  @Override
  public boolean apply(Map.Entry<String, V> e) {
    return e.getValue() != null && e.getValue().hasConnectionOn(n -> nodes.contains(n) != outside);
  }
}
