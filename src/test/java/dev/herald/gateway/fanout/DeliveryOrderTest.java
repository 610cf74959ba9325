package dev.herald.gateway.fanout;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeliveryOrderTest {

  @Test
  @DisplayName("channel seqs only grow: a duplicate or a late message is dropped, a gap is not (the client fills it from history)")
  void seqs() {
    DeliveryOrder o = new DeliveryOrder();
    assertTrue(o.acceptSeq(1, "e1"));
    assertTrue(o.acceptSeq(2, "e1"));
    assertFalse(o.acceptSeq(2, "e1"), "duplicate");
    assertFalse(o.acceptSeq(1, "e1"), "late");
    assertTrue(o.acceptSeq(5, "e1"), "a gap goes through");
  }

  @Test
  @DisplayName("a new epoch starts the count again: seq 1 of a recreated channel is delivered")
  void newEpoch() {
    DeliveryOrder o = new DeliveryOrder();
    assertTrue(o.acceptSeq(40, "e1"));
    assertTrue(o.acceptSeq(1, "e2"));
    assertFalse(o.acceptSeq(1, "e2"));
    assertTrue(o.acceptSeq(2, null), "a message without an epoch counts in the current one");
  }

  @Test
  @DisplayName("a cache subscriber's latest message: not sent again when the live stream brought it or a newer one after it joined; sent when it came before it joined, or in another epoch")
  void hadTheLatest() {
    DeliveryOrder o = new DeliveryOrder();
    assertTrue(o.acceptSeq(7, "e1"));
    DeliveryOrder.Mark joined = o.mark();
    assertFalse(o.had(joined, 7, "e1"), "seq 7 went out before it joined");
    assertTrue(o.acceptSeq(8, "e1"));
    assertTrue(o.had(joined, 8, "e1"), "8 went out after it joined");
    assertTrue(o.had(joined, 7, "e1"), "it has 8, newer than 7");
    assertFalse(o.had(joined, 3, "e2"), "another epoch than the stream's");
    DeliveryOrder fresh = new DeliveryOrder();
    DeliveryOrder.Mark none = fresh.mark();
    assertFalse(fresh.had(none, 1, "e1"), "nothing delivered yet");
    assertTrue(fresh.acceptSeq(1, "e1"));
    assertTrue(fresh.had(none, 1, "e1"), "the first message of the stream went out after it joined");
  }

  @Test
  @DisplayName("presence versions only grow: an event overtaken by a newer one is dropped")
  void versions() {
    DeliveryOrder o = new DeliveryOrder();
    assertTrue(o.acceptVersion(1_700_000_000_001L));
    assertFalse(o.acceptVersion(1_700_000_000_000L));
    assertTrue(o.acceptVersion(1_700_000_000_002L));
  }

  @Test
  @DisplayName("member events: a janitor's late leave does not undo the rejoin that overtook it; users count apart")
  void membersPerUser() {
    DeliveryOrder.PerUser o = new DeliveryOrder.PerUser();
    assertTrue(o.accept("ann", 5001), "the rejoin (newer) arrives first");
    assertFalse(o.accept("ann", 1002), "the cleanup's leave (older) arrives late: dropped");
    assertTrue(o.accept("bob", 1), "another user has its own count");
    assertTrue(o.accept("ann", 5002));
  }

  @Test
  @DisplayName("after a split healed the route forgets what it delivered and takes the merged state")
  void reset() {
    DeliveryOrder o = new DeliveryOrder();
    assertTrue(o.acceptVersion(900));
    o.reset();
    assertTrue(o.acceptVersion(800));
  }
}
