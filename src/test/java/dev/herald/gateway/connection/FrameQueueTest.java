package dev.herald.gateway.connection;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameQueueTest {

  @Test
  @DisplayName("frames come out in the order they went in, and the bytes waiting are counted both ways")
  void order() {
    FrameQueue<String> q = new FrameQueue<>(100, String::length);
    assertTrue(q.offer("aa"));
    assertTrue(q.offer("bbb"));
    assertEquals(5, q.bytes());
    assertEquals("aa", q.poll());
    assertEquals(3, q.bytes());
    assertEquals("bbb", q.poll());
    assertNull(q.poll());
    assertEquals(0, q.bytes());
  }

  @Test
  @DisplayName("a frame that would pass the bound is refused and not queued; room made by a poll is usable again")
  void bound() {
    FrameQueue<String> q = new FrameQueue<>(10, String::length);
    assertTrue(q.offer("x".repeat(6)));
    assertFalse(q.offer("y".repeat(5)));
    assertEquals(6, q.bytes());
    assertTrue(q.offer("z".repeat(4)));
    q.poll();
    assertTrue(q.offer("w".repeat(6)));
  }
}
