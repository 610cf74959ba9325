package dev.herald.it;

import dev.herald.node.Node;
import dev.herald.protocol.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node that stops gracefully: clients are sent elsewhere, and presence does not flap. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShutdownIT {

  @RegisterExtension
  static final TestNodes nodes = TestNodes.pair(new JsonObject());

  @Test
  @Order(1)
  @DisplayName("each node's heartbeat shows in /ready on the others, with its connection count")
  void heartbeatLoad() throws Exception {
    Node stays = nodes.a();
    Node leaves = nodes.b();
    try (WsClient c = nodes.connect(leaves, "loaded")) {
      c.sync();
      HttpClient http = HttpClient.newHttpClient();
      URI ready = URI.create("http://127.0.0.1:" + stays.config().http().port() + "/ready");
      String leavesName = leaves.config().node().name();
      // beats come every 2 s: ask until the other node's beat counts the connection
      Eventually.eventually(Duration.ofSeconds(15), "a heartbeat of " + leavesName + " counting one connection in /ready", () -> {
        JsonObject body = new JsonObject(http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString()).body());
        return body.getJsonArray("cluster").stream().map(JsonObject.class::cast)
            .anyMatch(n -> leavesName.equals(n.getString("node")) && n.getInteger("connections") >= 1);
      });
    }
  }

  @Test
  @Order(2)
  @DisplayName("SIGTERM-style stop: its clients are told to reconnect, users also on other nodes or reconnecting during the drain stay online without a flap, the rest go offline")
  void gracefulStop() {
    Node stays = nodes.a();
    Node leaves = nodes.b();
    try (WsClient watcher = nodes.connect(stays, "watcher")) {
      watcher.subscribe(Addresses.presenceUser("both"));
      watcher.subscribe(Addresses.presenceUser("only"));
      WsClient bothHere = nodes.connect(stays, "both");
      WsClient bothThere = nodes.connect(leaves, "both");
      WsClient onlyThere = nodes.connect(leaves, "only");
      watcher.subscribe(Addresses.presenceUser("mover"));
      WsClient moverThere = nodes.connect(leaves, "mover");
      assertEquals("online", watcher.awaitOn(Addresses.presenceUser("both")).getJsonObject("body").getString("status"));
      assertEquals("online", watcher.awaitOn(Addresses.presenceUser("only")).getJsonObject("body").getString("status"));
      assertEquals("online", watcher.awaitOn(Addresses.presenceUser("mover")).getJsonObject("body").getString("status"));
      bothThere.sync();

      // the node drains for bridge.drainGraceSeconds: its clients reconnect elsewhere meanwhile
      var stopped = nodes.stop(leaves);
      assertEquals(1012, moverThere.awaitClosed());
      JsonObject notice = moverThere.awaitOn(Addresses.CLIENT_NOTICES).getJsonObject("body");
      assertEquals("degraded", notice.getString("type"), notice::encode);
      assertEquals("node draining", notice.getString("what"));
      assertEquals("draining", notice.getString("state"));
      JsonObject last = moverThere.await(f -> "closed".equals(f.getValue("body")));
      long hint = last.getLong("retryAfterMs", -1L);
      assertTrue(hint >= 0 && hint < 3000, "each client told a moment of its own within the 3 s grace: " + last.encode());
      WsClient moverHere = nodes.connect(stays, "mover");
      moverHere.sync();
      stopped.await();

      assertEquals(1012, bothThere.awaitClosed());
      assertEquals(1012, onlyThere.awaitClosed());
      JsonObject offline = watcher.awaitOn(Addresses.presenceUser("only")).getJsonObject("body");
      assertEquals("offline", offline.getString("status"));
      JsonObject users = watcher.request(Addresses.PRESENCE_GET, new JsonObject().put("users", new JsonArray().add("both")))
          .getJsonObject("body").getJsonObject("users");
      assertEquals("online", users.getJsonObject("both").getString("status"));
      assertEquals(1, users.getJsonObject("both").getInteger("connections"));
      watcher.sync();
      assertTrue(watcher.pending().isEmpty(), () -> "no flap for the users still connected: " + watcher.pending());
      JsonObject mover = watcher.request(Addresses.PRESENCE_GET, new JsonObject().put("users", new JsonArray().add("mover")))
          .getJsonObject("body").getJsonObject("users").getJsonObject("mover");
      assertEquals("online", mover.getString("status"), "the user who reconnected during the drain never went offline");
      assertEquals(1, mover.getInteger("connections"));
      bothHere.close();
      moverHere.close();
    }
  }
}
