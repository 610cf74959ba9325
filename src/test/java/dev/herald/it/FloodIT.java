package dev.herald.it;

import dev.herald.Node;
import dev.herald.bus.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static dev.herald.auth.TestTokens.claims;
import static dev.herald.auth.TestTokens.hs256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Floods while the server is busy with a frame: the channel service is played by a consumer that
 * never answers, so the connection's publish waits and everything after it queues.
 */
class FloodIT {

  private static Node node;
  private static int port;
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    port = TestNodes.freePort();
    int hz = TestNodes.freePort();
    node = TestNodes.start(TestNodes.config(port, hz, List.of(hz), new JsonObject()
        .put("bridge", new JsonObject().put("maxPendingInboundBytes", 131_072).put("replyTimeoutMs", 60_000))
        .put("roles", new JsonObject().put("presence", 0).put("heartbeat", 0).put("broadcast", 0))));
    WsClient.get(node.vertx().eventBus().consumer(Addresses.CHANNEL_PUBLISH, m -> { /* never answers */ }).completion());
    // In full runs the first request of this class has been answered with a closed connection
    // ("header parser received no bytes") in 3 of 6 runs, never in 30 runs of this class alone:
    // not understood yet. The node must answer /health before the attack starts.
    awaitHealth();
  }

  private static void awaitHealth() {
    Exception last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode());
        return;
      } catch (java.io.IOException | InterruptedException e) {
        System.err.println("FloodIT: /health failed: " + e);
        last = e;
      }
    }
    throw new AssertionError("the node never answered /health", last);
  }

  @AfterAll
  static void stop() {
    node.stop().await();
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("attack: xhr_send POSTs piling up behind a frame the server waits on are bounded: past bridge.maxPendingInboundBytes the session is closed as flooding (4429)")
  void xhrSendFloodBounded() throws Exception {
    String token = hs256(claims("flooder").put("publish", new JsonArray().add("*")));
    String session = "/eventbus/000/" + UUID.randomUUID().toString().replace("-", "") + "/";
    assertEquals("o\n", post(session + "xhr?token=" + token, "").body());
    String stuck = new JsonObject().put("type", "send").put("address", Addresses.CHANNEL_PUBLISH).put("replyAddress", "r")
        .put("body", new JsonObject().put("channel", "flood").put("data", 1)).encode();
    assertEquals(204, post(session + "xhr_send?token=" + token, new JsonArray().add(stuck).encode()).statusCode());
    String big = new JsonObject().put("type", "send").put("address", Addresses.CHANNEL_PUBLISH)
        .put("body", new JsonObject().put("channel", "flood").put("data", "f".repeat(60_000))).encode();
    for (int i = 0; i < 50; i++) {
      // SockJS answers 204 to a send on a session it keeps for its timeout; what is sent after the close is dropped unread
      assertEquals(204, post(session + "xhr_send?token=" + token, new JsonArray().add(big).encode()).statusCode());
    }
    String poll = post(session + "xhr?token=" + token, "").body();
    assertTrue(poll.contains("\\\"failureCode\\\":4429"), "the flooder was not closed as flooding: " + poll);
    String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("herald_limited_total") && l.contains("bound=\"pending_inbound\"") && !l.endsWith(" 0.0")),
        "not counted in /metrics");
  }
}
