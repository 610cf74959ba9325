package dev.herald.it;

import dev.herald.protocol.Addresses;
import dev.herald.token.Rights;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Floods while the server is busy with a frame: the channel service is played by a consumer that
 * never answers, so the connection's publish waits and everything after it queues.
 */
class FloodIT {

  @RegisterExtension
  static final TestNodes nodes = TestNodes.single(new JsonObject()
      .put("bridge", new JsonObject().put("maxPendingInboundBytes", 131_072).put("replyTimeoutMs", 60_000))
      .put("roles", new JsonObject().put("presence", 0).put("heartbeat", 0).put("broadcast", 0)));

  @BeforeAll
  static void start() {
    WsClient.get(nodes.a().vertx().eventBus().consumer(Addresses.CHANNEL_PUBLISH, m -> { /* never answers */ }).completion());
  }

  /**
   * One POST on a connection of its own. (With the JDK's HttpClient, whose connections are kept
   * alive, the first request of this class was answered with a closed connection in about half of
   * the full runs and never alone; not understood yet, see the session notes.)
   */
  private static RawSocket.Answer post(String path, String body) {
    try (RawSocket s = RawSocket.open(nodes.port())) {
      return s.exchange("POST", path, body);
    }
  }

  @Test
  @DisplayName("attack: xhr_send POSTs piling up behind a frame the server waits on are bounded: past bridge.maxPendingInboundBytes the session is closed as flooding (4429)")
  void xhrSendFloodBounded() throws Exception {
    String token = Rights.none().publish("*").token("flooder");
    String session = NodeHttp.newSession();
    assertEquals("o\n", post(session + "xhr?token=" + token, "").body());
    String stuck = new JsonObject().put("type", "send").put("address", Addresses.CHANNEL_PUBLISH).put("replyAddress", "r")
        .put("body", new JsonObject().put("channel", "flood").put("data", 1)).encode();
    assertEquals(204, post(session + "xhr_send?token=" + token, new JsonArray().add(stuck).encode()).status());
    String big = new JsonObject().put("type", "send").put("address", Addresses.CHANNEL_PUBLISH)
        .put("body", new JsonObject().put("channel", "flood").put("data", "f".repeat(60_000))).encode();
    for (int i = 0; i < 50; i++) {
      // SockJS answers 204 to a send on a session it keeps for its timeout; what is sent after the close is dropped unread
      assertEquals(204, post(session + "xhr_send?token=" + token, new JsonArray().add(big).encode()).status());
    }
    String poll = post(session + "xhr?token=" + token, "").body();
    assertTrue(poll.contains("\\\"failureCode\\\":4429"), "the flooder was not closed as flooding: " + poll);
    String metrics;
    try (RawSocket s = RawSocket.open(nodes.port())) {
      metrics = s.exchange("GET", "/metrics", "").body();
    }
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("herald_limited_total") && l.contains("bound=\"pending_inbound\"") && !l.endsWith(" 0.0")),
        "not counted in /metrics");
  }
}
