package dev.herald.webhook;

import dev.herald.protocol.WebhookEvents;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class WebhookQueueTest {

  @Test
  @DisplayName("when full the oldest waiting event is dropped and counted, never the one being sent")
  void dropOldest() {
    WebhookQueue<String> q = new WebhookQueue<>(3);
    assertNull(q.add("a", false));
    assertNull(q.add("b", false));
    assertNull(q.add("c", false));
    assertEquals("a", q.add("d", false));
    assertEquals("c", q.add("e", true)); // "b" is in flight at the head: "c" goes
    assertEquals(2, q.dropped());
    assertEquals("b", q.peek());
    q.sent("b");
    assertEquals("d", q.peek());
    q.sent("b"); // already gone: nothing else is removed
    assertEquals("d", q.peek());
    assertEquals(2, q.size());
  }

  @Test
  @DisplayName("the signature is HMAC-SHA256 of the body, hex, as sha256=...")
  void signature() {
    // RFC 4231 test case 2
    assertEquals("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        WebhookEvents.sign("Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8)));
  }
}
