package dev.herald.gateway.edge;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenBucketTest {

  @Test
  @DisplayName("a burst goes through, the next is refused, and tokens come back at the rate")
  void bucket() {
    long t = 1_000_000_000L;
    TokenBucket b = new TokenBucket(10, 20, t);
    for (int i = 0; i < 20; i++) {
      assertTrue(b.tryTake(t), "burst " + i);
    }
    assertFalse(b.tryTake(t));
    assertFalse(b.tryTake(t + 50_000_000L)); // half a token later
    assertTrue(b.tryTake(t + 100_000_000L)); // one token later
    assertFalse(b.tryTake(t + 100_000_000L));
    for (int i = 0; i < 20; i++) {
      assertTrue(b.tryTake(t + 60_000_000_000L), "refilled to the burst, not beyond: " + i);
    }
    assertFalse(b.tryTake(t + 60_000_000_000L));
  }
}
