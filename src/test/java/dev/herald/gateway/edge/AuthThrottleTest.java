package dev.herald.gateway.edge;

import dev.herald.gateway.bridge.SessionOwners;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthThrottleTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  @DisplayName("an address gets a burst of ten seconds' bad tokens, then its rate; others are unaffected; it recovers with time")
  void perAddress() {
    AuthThrottle t = new AuthThrottle(2);
    for (int i = 0; i < 20; i++) {
      assertTrue(t.allowed("10.0.0.1", 0));
      t.failed("10.0.0.1", 0);
    }
    assertFalse(t.allowed("10.0.0.1", 0));
    assertTrue(t.allowed("10.0.0.2", 0));
    assertTrue(t.allowed("10.0.0.1", SECOND));
  }

  @Test
  @DisplayName("the table of addresses is bounded: a flood from many addresses cannot grow it past its cap")
  void bounded() {
    AuthThrottle t = new AuthThrottle(1);
    for (int i = 0; i < AuthThrottle.MAX_ADDRESSES + 500; i++) {
      t.failed("a" + i, 0);
    }
    assertTrue(t.allowed("a0", 0), "the oldest address was forgotten");
  }

  @Test
  @DisplayName("a SockJS path names its session; the raw WebSocket and info paths name none")
  void sessionPaths() {
    assertEquals("abc", SessionOwners.sessionOf("/eventbus/000/abc/xhr_send"));
    assertEquals("abc", SessionOwners.sessionOf("/eventbus/123/abc/xhr_streaming"));
    assertEquals("s1", SessionOwners.sessionOf("/eventbus/1/s1/eventsource"));
    assertNull(SessionOwners.sessionOf("/eventbus/websocket"));
    assertNull(SessionOwners.sessionOf("/eventbus/info"));
    assertNull(SessionOwners.sessionOf("/eventbus/000/abc/nosuch"));
  }
}
