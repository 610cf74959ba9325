package dev.herald.presence;

import com.hazelcast.map.EntryProcessor;

import java.util.Map;
import java.util.Set;

/**
 * A change to one user's {@link PresenceRecord}, run by Hazelcast on the partition that owns the
 * user, so concurrent changes from any node apply one after another and nothing is lost.
 */
public final class PresenceOp implements EntryProcessor<String, PresenceRecord, PresenceRecord.Change> {

  private static final long serialVersionUID = 1L;

  private enum Kind { CONNECT, DISCONNECT, CHOOSE, DROP_NODES, KEEP_NODES }

  private final Kind kind;
  private final String connId;
  private final String nodeId;
  private final Status status;
  private final Set<String> nodes;
  private final long now;

  private PresenceOp(Kind kind, String connId, String nodeId, Status status, Set<String> nodes, long now) {
    this.kind = kind;
    this.connId = connId;
    this.nodeId = nodeId;
    this.status = status;
    this.nodes = nodes;
    this.now = now;
  }

  public static PresenceOp connect(String connId, String nodeId, long now) {
    return new PresenceOp(Kind.CONNECT, connId, nodeId, null, null, now);
  }

  public static PresenceOp disconnect(String connId, long now) {
    return new PresenceOp(Kind.DISCONNECT, connId, null, null, null, now);
  }

  public static PresenceOp choose(Status status, long now) {
    return new PresenceOp(Kind.CHOOSE, null, null, status, null, now);
  }

  /** Removes the connections held by these nodes (a node that left or is shutting down). */
  public static PresenceOp dropNodes(Set<String> gone, long now) {
    return new PresenceOp(Kind.DROP_NODES, null, null, null, Set.copyOf(gone), now);
  }

  /** Removes the connections held by any node not in {@code alive} (the safety net after a missed cleanup). */
  public static PresenceOp keepNodes(Set<String> alive, long now) {
    return new PresenceOp(Kind.KEEP_NODES, null, null, null, Set.copyOf(alive), now);
  }

  @Override
  public PresenceRecord.Change process(Map.Entry<String, PresenceRecord> entry) {
    PresenceRecord current = entry.getValue() != null ? entry.getValue() : PresenceRecord.absent(entry.getKey());
    PresenceRecord.Change change = switch (kind) {
      case CONNECT -> current.connect(connId, nodeId, now);
      case DISCONNECT -> current.disconnect(connId, now);
      case CHOOSE -> current.choose(status, now);
      case DROP_NODES -> current.dropNodes(nodes::contains, now);
      case KEEP_NODES -> current.dropNodes(n -> !nodes.contains(n), now);
    };
    if (!change.next().equals(current)) {
      entry.setValue(change.next());
    }
    return change;
  }
}
