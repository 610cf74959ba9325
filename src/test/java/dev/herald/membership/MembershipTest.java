package dev.herald.membership;

import dev.herald.cluster.OnNodes;
import dev.herald.protocol.WebhookEvents;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Channel membership and occupancy, and which records the janitor picks: the decisions, without a cluster. */
class MembershipTest {

  @Test
  @DisplayName("the first connection joins; a second tab neither joins nor leaves; the last one out leaves")
  void joinAndLeaveOncePerUser() {
    Membership.Change first = Membership.join(null, "room", "ann", "c1", "node-a", 1000);
    assertEquals(Membership.Event.JOIN, first.event());
    Membership.Change second = Membership.join(first.next(), "room", "ann", "c2", "node-b", 1000);
    assertNull(second.event());
    assertEquals(Map.of("c1", "node-a", "c2", "node-b"), second.next().connections);

    Membership.Change oneClosed = second.next().leave(e -> e.getKey().equals("c1"));
    assertNull(oneClosed.event());
    assertEquals(Set.of("c2"), oneClosed.next().connections.keySet());
    Membership.Change lastClosed = oneClosed.next().leave(e -> e.getKey().equals("c2"));
    assertEquals(Membership.Event.LEAVE, lastClosed.event());
    assertNull(lastClosed.next(), "nothing stored for a user with no connection");
  }

  @Test
  @DisplayName("two tabs joining in one batch make one JOIN; the key names the channel and the user")
  void joinInBatch() {
    Membership.Change both = Membership.join(null, "room", "ann", List.of("c1", "c2"), "node-a", 1000);
    assertEquals(Membership.Event.JOIN, both.event());
    assertEquals(Map.of("c1", "node-a", "c2", "node-a"), both.next().connections);
    assertNull(Membership.join(both.next(), "room", "ann", List.of("c3"), "node-b", 1001).event());
    String key = Membership.key("room.1", "ann@x");
    assertEquals("room.1", Membership.channelOf(key));
    assertEquals("ann@x", Membership.userOf(key));
  }

  @Test
  @DisplayName("a batch of leaves: both tabs of one user in one op make one LEAVE and remove the entry; a key the batch does not name is untouched")
  void leaveInBatch() {
    String key = Membership.key("room", "ann");
    Map<String, Membership> store = new HashMap<>();
    store.put(key, Membership.join(null, "room", "ann", List.of("c1", "c2"), "node-a", 1000).next());
    Map.Entry<String, Membership> entry = new java.util.AbstractMap.SimpleEntry<>(key, store.get(key)) {
      @Override
      public Membership setValue(Membership v) {
        store.put(key, v);
        return super.setValue(v);
      }
    };
    MembershipOp op = MembershipOp.leave(Map.of(key, List.of("c1", "c2"), Membership.key("room", "bob"), List.of("c3")));
    Membership.Change c = op.process(entry);
    assertEquals(Membership.Event.LEAVE, c.event());
    assertNull(store.get(key), "no connection left: no entry");
    Membership bob = Membership.join(null, "room", "bob", "c4", "node-a", 1000).next();
    assertSame(bob, op.process(new java.util.AbstractMap.SimpleEntry<>(Membership.key("room", "bob"), bob)).next(),
        "bob's connection c4 is not in the batch");
  }

  @Test
  @DisplayName("leaving through a connection the user does not have changes nothing and raises nothing")
  void unknownConnection() {
    Membership m = Membership.join(null, "room", "ann", "c1", "node-a", 1000).next();
    Membership.Change c = m.leave(e -> e.getKey().equals("other"));
    assertSame(m, c.next());
    assertNull(c.event());
  }

  @Test
  @DisplayName("the member event names channel and user from the key, even when the channel has dots")
  void event() {
    var e = Membership.event(Membership.key("team.room-1", "ann"), new Membership.Change(null, Membership.Event.LEAVE, 7));
    assertEquals("team.room-1", e.getString("channel"));
    assertEquals("ann", e.getString("userId"));
    assertEquals("leave", e.getString("event"));
    assertEquals(7, e.getLong("version"));
  }

  @Test
  @DisplayName("versions grow with every change, and a membership made again after a leave starts past the old one")
  void versions() {
    Membership.Change join = Membership.join(null, "room", "ann", "c1", "node-a", 1000);
    assertEquals(1_000_000, join.version(), "a first membership starts at the time, in thousandths of a millisecond");
    Membership.Change second = Membership.join(join.next(), "room", "ann", "c2", "node-b", 1000);
    assertEquals(1_000_001, second.version());
    Membership.Change leave = second.next().leave(e -> true);
    assertEquals(Membership.Event.LEAVE, leave.event());
    assertEquals(1_000_002, leave.version());
    Membership.Change again = Membership.join(null, "room", "ann", "c3", "node-a", 1001);
    assertTrue(again.version() > leave.version(), "a rejoin one millisecond later orders after the leave, even after a few changes");
  }

  @Test
  @DisplayName("occupancy: 0 to 1 is occupied, back to 0 removes the entry, and it never goes below 0")
  void occupancyCount() {
    Map<String, Integer> store = new HashMap<>();
    Map.Entry<String, Integer> entry = new Map.Entry<>() {
      public String getKey() {
        return "room";
      }

      public Integer getValue() {
        return store.get("room");
      }

      public Integer setValue(Integer v) {
        return v == null ? store.remove("room") : store.put("room", v);
      }
    };
    assertArrayEquals(new int[] {0, 1}, new MembershipEvents.Count(1).process(entry));
    assertArrayEquals(new int[] {1, 3}, new MembershipEvents.Count(2).process(entry), "a batch adds its joins at once");
    assertArrayEquals(new int[] {3, 2}, new MembershipEvents.Count(-1).process(entry));
    assertArrayEquals(new int[] {2, 0}, new MembershipEvents.Count(-2).process(entry));
    assertFalse(store.containsKey("room"), "a channel at zero members keeps no entry");
    assertArrayEquals(new int[] {0, 0}, new MembershipEvents.Count(-1).process(entry), "a late leave does not go negative");
  }

  @Test
  @DisplayName("a batch's tally: its net change, occupied for its first joiner, vacated for its last leaver, nothing in between")
  void occupancyTally() {
    MembershipEvents.Tally joins = new MembershipEvents.Tally();
    joins.add(Membership.key("room", "ann"), Membership.Event.JOIN, 7);
    joins.add(Membership.key("room", "bob"), Membership.Event.JOIN, 9);
    assertEquals(2, joins.delta);
    assertEquals(Membership.key("room", "ann"), joins.firstJoin);
    assertEquals(WebhookEvents.CHANNEL_OCCUPIED, joins.webhook(0, 2));
    assertNull(joins.webhook(1, 3), "the channel had members already");
    assertEquals(Membership.key("room", "ann") + "/7", joins.cause(WebhookEvents.CHANNEL_OCCUPIED),
        "the event is named by the change that caused it, so a failover's second raise keeps its id");

    MembershipEvents.Tally leaves = new MembershipEvents.Tally();
    leaves.add(Membership.key("room", "ann"), Membership.Event.LEAVE, 8);
    leaves.add(Membership.key("room", "bob"), Membership.Event.LEAVE, 10);
    assertEquals(-2, leaves.delta);
    assertEquals(Membership.key("room", "bob"), leaves.lastLeave);
    assertEquals(WebhookEvents.CHANNEL_VACATED, leaves.webhook(2, 0));
    assertNull(leaves.webhook(3, 1), "members are left");
    assertEquals(Membership.key("room", "bob") + "/10", leaves.cause(WebhookEvents.CHANNEL_VACATED));
    assertNull(leaves.webhook(0, 0), "a count already at zero was not vacated by this batch");
  }

  @Test
  @DisplayName("the janitor picks the records with a connection on a gone node, or, reconciling, on any node not alive")
  void janitorChoice() {
    Membership onA = Membership.join(null, "room", "ann", "c1", "node-a", 1000).next();
    Membership onAB = Membership.join(onA, "room", "ann", "c2", "node-b", 1000).next();
    Membership onB = Membership.join(null, "room", "bob", "c3", "node-b", 1000).next();
    OnNodes<Membership> gone = new OnNodes<>(Set.of("node-a"), false);
    assertTrue(gone.apply(Map.entry("k", onA)));
    assertTrue(gone.apply(Map.entry("k", onAB)));
    assertFalse(gone.apply(Map.entry("k", onB)));
    OnNodes<Membership> notAlive = new OnNodes<>(Set.of("node-b"), true);
    assertTrue(notAlive.apply(Map.entry("k", onA)));
    assertTrue(notAlive.apply(Map.entry("k", onAB)), "one connection on a dead node is enough to look");
    assertFalse(notAlive.apply(Map.entry("k", onB)));
    // what is then taken out: only the dead node's connections
    Membership.Change cleaned = onAB.leave(e -> e.getValue().equals("node-a"));
    assertNull(cleaned.event());
    assertEquals(Set.of("c2"), cleaned.next().connections.keySet());
  }
}
