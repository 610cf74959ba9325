package dev.herald.gateway;

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
  @DisplayName("presence versions only grow: an event overtaken by a newer one is dropped")
  void versions() {
    DeliveryOrder o = new DeliveryOrder();
    assertTrue(o.acceptVersion(1_700_000_000_001L));
    assertFalse(o.acceptVersion(1_700_000_000_000L));
    assertTrue(o.acceptVersion(1_700_000_000_002L));
  }
}
