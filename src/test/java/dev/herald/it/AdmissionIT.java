package dev.herald.it;

import dev.herald.token.Rights;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A storm of connects onto a node that takes 5 a second (bridge.connectsPerSecond): the burst is
 * let in, the rest are closed 1013 at once, each told a slot of its own at the node's rate, and a
 * client that comes back at its slot is let in.
 */
class AdmissionIT {

  @RegisterExtension
  static final TestNodes nodes = TestNodes.single(new JsonObject().put("bridge", new JsonObject().put("connectsPerSecond", 5)));

  @Test
  @DisplayName("12 connects at once: 5 in, 7 closed 1013 with slots 200 ms apart; one back at its slot is in")
  void stormSpread() {
    List<WsClient> in = new ArrayList<>();
    List<Long> hints = new ArrayList<>();
    String token = Rights.none().token("stormer");
    for (int i = 0; i < 12; i++) {
      WsClient c = nodes.connectWithToken(nodes.a(), token);
      // an answer to rt.session, or the last frame of a connection sent away: whichever comes
      c.send(new JsonObject().put("type", "send").put("address", "rt.session").put("replyAddress", "s").put("body", new JsonObject()));
      JsonObject first = c.await(f -> "s".equals(f.getString("address")) || "closed".equals(f.getValue("body")));
      if ("closed".equals(first.getValue("body"))) {
        assertEquals(1013, first.getInteger("failureCode"), first::encode);
        assertEquals(1013, c.awaitClosed());
        hints.add(first.getLong("retryAfterMs"));
      } else {
        in.add(c);
      }
    }
    // the burst of 5, and at most a slot or two more that refilled while the 12 connected
    assertTrue(in.size() >= 5 && in.size() <= 7, "the burst is let in, the rest not: " + in.size());
    assertTrue(hints.size() >= 5, "the rest told to come back later: " + hints);
    for (int i = 1; i < hints.size(); i++) {
      assertTrue(hints.get(i) - hints.get(i - 1) >= 150, "each refused client a later slot, about 200 ms on: " + hints);
    }
    try (WsClient back = connectAfter(hints.get(hints.size() - 1), token)) {
      back.sync();
    }
    in.forEach(WsClient::close);
  }

  /** Connects after waiting what the node said (the client's own backoff, not a synchronisation). */
  private static WsClient connectAfter(long hintMs, String token) {
    long until = System.nanoTime() + hintMs * 1_000_000;
    while (System.nanoTime() < until) {
      java.util.concurrent.locks.LockSupport.parkNanos(until - System.nanoTime());
    }
    return nodes.connectWithToken(nodes.a(), token);
  }
}
