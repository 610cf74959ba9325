package dev.herald.membership;

import dev.herald.cluster.HeldConnections;
import io.vertx.core.json.JsonObject;

import java.io.Serializable;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One user's membership of one channel, as stored in the cluster: the connections through which
 * the user is subscribed. The user joins with the first and leaves with the last, so a second
 * tab neither joins nor leaves. Pure; {@link MembershipOp} applies it atomically.
 *
 * <p>Public final fields, not a record, so Hazelcast can index and query {@link #channel}.
 */
public final class Membership implements Serializable, HeldConnections {

  private static final long serialVersionUID = 1L;

  public final String channel;
  public final String userId;
  /** Connection id to the id of the node that holds it. */
  public final Map<String, String> connections;
  /**
   * Grows with every change; a new membership starts at the time it was made (ms), past any
   * version the user's earlier membership reached, so events order even across a leave and rejoin.
   */
  public final long version;

  public Membership(String channel, String userId, Map<String, String> connections, long version) {
    this.channel = channel;
    this.userId = userId;
    this.connections = Map.copyOf(connections);
    this.version = version;
  }

  /** The map key: channel names and user ids cannot contain {@code |}. */
  public static String key(String channel, String userId) {
    return channel + "|" + userId;
  }

  public static String channelOf(String key) {
    return key.substring(0, key.indexOf('|'));
  }

  public static String userOf(String key) {
    return key.substring(key.indexOf('|') + 1);
  }

  /** The member event of docs/protocol.md for the user and channel in a {@link #key}. */
  public static JsonObject event(String key, Change change) {
    return new JsonObject().put("channel", channelOf(key)).put("userId", userOf(key))
        .put("event", change.event().name().toLowerCase(java.util.Locale.ROOT)).put("version", change.version());
  }

  /** What a change did to membership: JOIN when the first connection came, LEAVE when the last went. */
  public enum Event { JOIN, LEAVE }

  /** The new state (null when the user has no connection left), the event due if any, and its version. */
  public record Change(Membership next, Event event, long version) implements Serializable {
  }

  public static Change join(Membership current, String channel, String userId, String connId, String nodeId, long now) {
    return join(current, channel, userId, List.of(connId), nodeId, now);
  }

  /** Several connections of the user on one node, as one change (a batch of joins): one JOIN at most. */
  public static Change join(Membership current, String channel, String userId, Collection<String> connIds, String nodeId, long now) {
    Map<String, String> conns = new HashMap<>(current == null ? Map.of() : current.connections);
    boolean first = conns.isEmpty();
    connIds.forEach(id -> conns.put(id, nodeId));
    // a first membership (or one after a leave, whose entry is gone) starts at the cluster's time in
    // microseconds' worth of room: a leave and a rejoin in the same millisecond, each a step of one,
    // still order (a start at the millisecond could tie with, or fall under, the leave's version)
    long version = current == null ? now * 1000 : current.version + 1;
    return new Change(new Membership(channel, userId, conns, version), first ? Event.JOIN : null, version);
  }

  public Change leave(Predicate<Map.Entry<String, String>> going) {
    Map<String, String> conns = new HashMap<>(connections);
    conns.entrySet().removeIf(going);
    if (conns.size() == connections.size()) {
      return new Change(this, null, version);
    }
    return conns.isEmpty() ? new Change(null, Event.LEAVE, version + 1)
        : new Change(new Membership(channel, userId, conns, version + 1), null, version + 1);
  }

  @Override
  public boolean hasConnectionOn(Predicate<String> node) {
    return connections.values().stream().anyMatch(node);
  }
}
