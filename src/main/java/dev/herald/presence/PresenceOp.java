package dev.herald.presence;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A change to one user's {@link PresenceRecord}, run by Hazelcast on the partition that owns the
 * user, so concurrent changes from any node apply one after another and nothing is lost.
 * A record left offline expires after {@link #offlineFor}; one that comes back online lives on.
 */
public final class PresenceOp implements EntryProcessor<String, PresenceRecord, PresenceRecord.Change> {

  private static final long serialVersionUID = 1L;

  enum Kind { CONNECT, DISCONNECT, CHOOSE, DROP_NODES, KEEP_NODES }

  // package-private for its wire form (PresenceSerializers)
  final Kind kind;
  /** CONNECT, DISCONNECT: each user's connections opened (all on {@link #nodeId}) or closed, a batch of them. */
  final Map<String, List<String>> connections;
  final String nodeId;
  final Status status;
  final Set<String> nodes;
  final long now;
  int offlineTtlSeconds;

  PresenceOp(Kind kind, Map<String, List<String>> connections, String nodeId, Status status, Set<String> nodes, long now) {
    this.kind = kind;
    this.connections = connections;
    this.nodeId = nodeId;
    this.status = status;
    this.nodes = nodes;
    this.now = now;
  }

  /** New connections on {@code nodeId}: user id to its connection ids; run on those users' keys. */
  public static PresenceOp connect(Map<String, List<String>> connects, String nodeId, long now) {
    return new PresenceOp(Kind.CONNECT, connects, nodeId, null, null, now);
  }

  /** Connections closed: user id to its connection ids; run on those users' keys. */
  public static PresenceOp disconnect(Map<String, List<String>> disconnects, long now) {
    return new PresenceOp(Kind.DISCONNECT, disconnects, null, null, null, now);
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

  /** A record this op leaves offline is forgotten after {@code seconds} (presence.offlineRecordSeconds). */
  public PresenceOp offlineFor(int seconds) {
    this.offlineTtlSeconds = seconds;
    return this;
  }

  @Override
  public PresenceRecord.Change process(Map.Entry<String, PresenceRecord> entry) {
    PresenceRecord current = entry.getValue() != null ? entry.getValue() : PresenceRecord.created(entry.getKey(), now);
    PresenceRecord.Change change = switch (kind) {
      case CONNECT -> current.connect(connections.getOrDefault(entry.getKey(), List.of()), nodeId, now);
      case DISCONNECT -> current.disconnect(connections.getOrDefault(entry.getKey(), List.of()), now);
      case CHOOSE -> current.choose(status, now);
      case DROP_NODES -> current.dropNodes(nodes::contains, now);
      case KEEP_NODES -> current.dropNodes(n -> !nodes.contains(n), now);
    };
    if (!change.next().equals(current)) {
      if (change.next().status() == Status.OFFLINE && offlineTtlSeconds > 0 && entry instanceof ExtendedMapEntry<String, PresenceRecord> e) {
        e.setValue(change.next(), offlineTtlSeconds, TimeUnit.SECONDS);
      } else {
        entry.setValue(change.next()); // online: the map's default, no expiry
      }
    }
    return change;
  }
}
