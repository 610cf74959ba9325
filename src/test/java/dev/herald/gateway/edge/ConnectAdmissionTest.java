package dev.herald.gateway.edge;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectAdmissionTest {

  private static final long MS = 1_000_000;

  @Test
  @DisplayName("a burst of the rate is let in; the rest are told slots one after the other at the rate, capped at a minute")
  void spreadsTheRest() {
    ConnectAdmission a = new ConnectAdmission(10, 0);
    for (int i = 0; i < 10; i++) {
      assertEquals(0, a.admit(0), "the burst");
    }
    assertEquals(100, a.admit(0), "the first refused: one slot (100 ms at 10/s)");
    assertEquals(200, a.admit(0));
    assertEquals(300, a.admit(0));
    // 50 ms later the next promised slot is still 400 ms from the start
    assertEquals(350, a.admit(50 * MS));
    java.util.Set<Long> late = new java.util.HashSet<>();
    for (int i = 0; i < 1000; i++) {
      long wait = a.admit(50 * MS);
      assertTrue(wait <= ConnectAdmission.MAX_WAIT_MS, "never told to wait more than a minute: " + wait);
      if (i >= 600) {
        assertTrue(wait >= ConnectAdmission.MAX_WAIT_MS / 2, "past the minute of slots: scattered over its second half: " + wait);
        late.add(wait);
      }
    }
    assertTrue(late.size() > 100, "not all told the same moment: " + late.size() + " distinct waits of 400");
    assertTrue(!a.open(50 * MS), "no token to spare");
    assertTrue(a.open(1000 * MS), "a second later there is");
  }

  @Test
  @DisplayName("once the bucket refilled the next client is let in again, and a later refusal starts from now")
  void refills() {
    ConnectAdmission a = new ConnectAdmission(10, 0);
    for (int i = 0; i < 11; i++) {
      a.admit(0);
    }
    assertEquals(0, a.admit(1000 * MS), "a second later: a full bucket");
    for (int i = 0; i < 9; i++) {
      assertEquals(0, a.admit(1000 * MS));
    }
    long wait = a.admit(1000 * MS);
    assertTrue(wait >= 1 && wait <= 100, "from now, not from the old promised slots: " + wait);
  }
}
