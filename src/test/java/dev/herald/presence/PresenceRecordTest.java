package dev.herald.presence;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PresenceRecordTest {

  private static final PresenceRecord ALICE = PresenceRecord.absent("alice");

  @Test
  @DisplayName("a first connection brings the user online with version 1; a second tab changes nothing visible")
  void connect() {
    PresenceRecord.Change first = ALICE.connect("c1", "n1", 100);
    assertTrue(first.changed());
    assertEquals(Status.OFFLINE, first.previous());
    assertEquals(Status.ONLINE, first.next().status());
    assertEquals(1, first.next().version());
    assertEquals(100, first.next().since());
    PresenceRecord.Change second = first.next().connect("c2", "n2", 200);
    assertFalse(second.changed());
    assertEquals(2, second.next().connections().size());
    assertEquals(1, second.next().version());
  }

  @Test
  @DisplayName("two connections in one batch bring the user online once, as one change")
  void connectInBatch() {
    PresenceRecord.Change both = ALICE.connect(List.of("c1", "c2"), "n1", 100);
    assertEquals(Status.OFFLINE, both.previous());
    assertEquals(Map.of("c1", "n1", "c2", "n1"), both.next().connections());
    assertEquals(1, both.next().version());
    PresenceRecord.Change again = both.next().connect(List.of("c3"), "n2", 200);
    assertFalse(again.changed());
    assertEquals(3, again.next().connections().size());
  }

  @Test
  @DisplayName("the chosen status survives one tab closing; the last tab closing goes offline once and keeps lastSeen")
  void tabs() {
    PresenceRecord r = ALICE.connect("c1", "n1", 100).next().connect("c2", "n1", 110).next();
    PresenceRecord.Change busy = r.choose(Status.BUSY, 120);
    assertEquals(Status.ONLINE, busy.previous());
    assertEquals(2, busy.next().version());
    PresenceRecord.Change oneClosed = busy.next().disconnect("c1", 130);
    assertFalse(oneClosed.changed());
    assertEquals(Status.BUSY, oneClosed.next().status());
    PresenceRecord.Change allClosed = oneClosed.next().disconnect("c2", 140);
    assertEquals(Status.BUSY, allClosed.previous());
    assertEquals(Status.OFFLINE, allClosed.next().status());
    assertEquals(3, allClosed.next().version());
    assertEquals(140, allClosed.next().lastSeen());
    assertEquals("busy", allClosed.event().getString("previous"));
    assertEquals("offline", allClosed.event().getString("status"));
    // coming back starts at online, not at the old choice
    assertEquals(Status.ONLINE, allClosed.next().connect("c3", "n1", 150).next().status());
  }

  @Test
  @DisplayName("a batch closing every tab of a user is one change: offline once, one version up")
  void batchOfCloses() {
    PresenceRecord r = ALICE.connect(List.of("c1", "c2"), "n1", 100).next();
    PresenceRecord.Change closed = r.disconnect(List.of("c1", "c2", "unknown"), 130);
    assertEquals(Status.ONLINE, closed.previous());
    assertEquals(Status.OFFLINE, closed.next().status());
    assertEquals(r.version() + 1, closed.next().version());
    assertFalse(r.disconnect(List.of("c1"), 130).changed(), "one tab of two is no event");
    assertFalse(r.disconnect(List.of("unknown"), 130).changed());
  }

  @Test
  @DisplayName("choosing the status one already has, or closing an unknown connection, is no event")
  void noops() {
    PresenceRecord r = ALICE.connect("c1", "n1", 100).next();
    assertNull(r.choose(Status.ONLINE, 110).previous());
    assertEquals(r, r.disconnect("nope", 120).next());
  }

  @Test
  @DisplayName("dropping a dead node removes only its connections")
  void dropNodes() {
    PresenceRecord r = ALICE.connect("c1", "n1", 100).next().connect("c2", "n2", 100).next();
    PresenceRecord.Change n2gone = r.dropNodes(Set.of("n2")::contains, 200);
    assertFalse(n2gone.changed());
    assertEquals(1, n2gone.next().connections().size());
    PresenceRecord.Change allGone = n2gone.next().dropNodes(n -> !Set.of("n3").contains(n), 300);
    assertEquals(Status.OFFLINE, allGone.next().status());
    assertEquals(300, allGone.next().lastSeen());
  }

  @Test
  @DisplayName("the wire form carries the protocol's fields")
  void json() {
    PresenceRecord r = ALICE.connect("c1", "n1", 100).next();
    assertEquals("{\"userId\":\"alice\",\"status\":\"online\",\"since\":100,\"lastSeen\":100,\"connections\":1,\"version\":1}",
        r.view().toJson().encode());
  }
}
