package dev.herald.presence;

import dev.herald.cluster.HeldConnections;
import dev.herald.protocol.message.Presence;
import io.vertx.core.json.JsonObject;

import java.io.Serializable;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One user's presence as stored in the cluster, and the pure rules that change it. No Hazelcast
 * types here (the wire form is a Vert.x {@code JsonObject}): {@link PresenceOp} applies these rules
 * atomically inside the map.
 *
 * <p>A user is online while any connection lives; the status they chose ({@code busy}, {@code away})
 * holds across tabs and is reset to {@code online} when the last connection goes. {@code version}
 * grows by one with each change of the visible status, and only then.
 *
 * @param connections connection id to the id of the node that holds it
 * @param since       when the visible status began (ms)
 * @param lastSeen    when a connection of this user was last alive (ms), kept while offline
 */
public record PresenceRecord(String userId, Status chosen, Map<String, String> connections, long since, long lastSeen, long version)
    implements Serializable, HeldConnections {

  public PresenceRecord {
    connections = Map.copyOf(connections);
  }

  public static PresenceRecord absent(String userId) {
    return new PresenceRecord(userId, Status.ONLINE, Map.of(), 0, 0, 0);
  }

  /**
   * The record a user's first change starts from. Its version starts at the time (ms), not 0: an
   * offline record expires (presence.offlineRecordSeconds), and the user's next record must not go
   * back to versions watchers have already seen, or they would drop its events as old.
   */
  public static PresenceRecord created(String userId, long now) {
    return new PresenceRecord(userId, Status.ONLINE, Map.of(), 0, 0, now);
  }

  /** What clients see: the chosen status while connected, else offline. */
  public Status status() {
    return connections.isEmpty() ? Status.OFFLINE : chosen;
  }

  @Override
  public boolean hasConnectionOn(Predicate<String> node) {
    for (String n : connections.values()) {
      if (node.test(n)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The result of a change: the new record, and the visible status before it when that changed
   * (null when it did not, and no event is due).
   */
  public record Change(PresenceRecord next, Status previous) implements Serializable {
    public boolean changed() {
      return previous != null;
    }

    /** The presence event of docs/protocol.md: the Presence plus {@code previous}. */
    public JsonObject event() {
      return next.view().event(previous.wire());
    }
  }

  public Change connect(String connId, String nodeId, long now) {
    return connect(List.of(connId), nodeId, now);
  }

  /** Several connections of this user on one node, as one change (a batch of connects). */
  public Change connect(Collection<String> connIds, String nodeId, long now) {
    Map<String, String> conns = new HashMap<>(connections);
    connIds.forEach(id -> conns.put(id, nodeId));
    return to(chosen, conns, now);
  }

  public Change disconnect(String connId, long now) {
    return disconnect(List.of(connId), now);
  }

  /** Several connections of this user closed, as one change (a batch of disconnects); unknown ones change nothing. */
  public Change disconnect(Collection<String> connIds, long now) {
    Map<String, String> conns = new HashMap<>(connections);
    if (!conns.keySet().removeAll(connIds)) {
      return new Change(this, null);
    }
    return to(chosen, conns, now);
  }

  public Change choose(Status status, long now) {
    return to(status, connections, now);
  }

  /** Removes every connection held by a node that {@code dead} says is gone. */
  public Change dropNodes(Predicate<String> dead, long now) {
    Map<String, String> conns = new HashMap<>(connections);
    conns.values().removeIf(dead);
    return to(chosen, conns, now);
  }

  private Change to(Status newChosen, Map<String, String> conns, long now) {
    boolean online = !conns.isEmpty();
    long seen = online || !connections.isEmpty() ? now : lastSeen;
    Status chosenNext = online ? newChosen : Status.ONLINE;
    PresenceRecord next = new PresenceRecord(userId, chosenNext, conns, since, seen, version);
    Status before = status();
    Status after = next.status();
    if (before == after) {
      return new Change(next, null);
    }
    return new Change(new PresenceRecord(userId, chosenNext, conns, now, seen, version + 1), before);
  }

  /** The Presence payload of docs/protocol.md. */
  public Presence view() {
    return new Presence(userId, status().wire(), since, lastSeen, connections.size(), version);
  }
}
