package dev.herald.cluster;

import java.util.function.Predicate;

/** A stored record that counts connections by the node holding them, so a node's departure can be cleaned up. */
public interface HeldConnections {

  boolean hasConnectionOn(Predicate<String> node);
}
