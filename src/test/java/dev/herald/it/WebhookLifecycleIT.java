package dev.herald.it;

import dev.herald.protocol.Addresses;
import dev.herald.token.Rights;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lifecycle events a backend can trust: channel.join and channel.leave when asked for, each named
 * by the change it reports, and a presence snapshot every round from exactly one of the nodes.
 */
class WebhookLifecycleIT {

  private static final int RECEIVER_PORT = TestNodes.freePort();
  private static final JsonObject WEBHOOKS = new JsonObject()
      .put("urls", new JsonArray().add("http://127.0.0.1:" + RECEIVER_PORT + "/hook")).put("secret", "lifecycle-webhook-secret-0123456789abcdef")
      .put("snapshotSeconds", 1)
      .put("events", new JsonArray().add("user.online").add("user.offline").add("channel.join").add("channel.leave").add("presence.snapshot")
          .add("connection.open").add("connection.close"));
  /** Both nodes run presence (and so try every snapshot round); node a alone sends webhooks. */
  @RegisterExtension
  static final TestNodes nodes = TestNodes.pair(new JsonObject().put("webhook", WEBHOOKS).put("roles", new JsonObject().put("webhook", 1)),
      new JsonObject().put("webhook", WEBHOOKS));
  private static final List<JsonObject> received = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    nodes.listen(RECEIVER_PORT, WebhookLifecycleIT::receive);
  }

  private static void receive(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      received.add(new JsonObject(body));
      req.response().setStatusCode(204).end();
    });
  }

  private static List<JsonObject> events(Predicate<JsonObject> which) {
    List<JsonObject> out = new ArrayList<>();
    received.forEach(e -> {
      if (which.test(e)) {
        out.add(e);
      }
    });
    return out;
  }

  @Test
  @DisplayName("channel.join and channel.leave for a user's first and last connection on a channel, with the membership version and an id derived from it")
  void joinAndLeave() {
    Predicate<JsonObject> mine = e -> "lc.room".equals(e.getJsonObject("data").getString("channel"));
    try (WsClient tab1 = nodes.connect(nodes.a(), "lc-joiner", Rights.read("lc.*"));
         WsClient tab2 = nodes.connect(nodes.b(), "lc-joiner", Rights.read("lc.*"))) {
      tab1.subscribe(Addresses.channel("lc.room"));
      tab2.subscribe(Addresses.channel("lc.room"));
      Eventually.eventually(Duration.ofSeconds(10), "a join", () -> !events(mine.and(e -> e.getString("type").equals("channel.join"))).isEmpty());
    }
    Eventually.eventually(Duration.ofSeconds(10), "a leave", () -> !events(mine.and(e -> e.getString("type").equals("channel.leave"))).isEmpty());
    JsonObject join = events(mine.and(e -> e.getString("type").equals("channel.join"))).get(0);
    JsonObject leave = events(mine.and(e -> e.getString("type").equals("channel.leave"))).get(0);
    assertEquals(1, events(mine.and(e -> e.getString("type").equals("channel.join"))).size(), "two tabs are one join");
    assertEquals("lc-joiner", join.getJsonObject("data").getString("userId"));
    assertTrue(leave.getJsonObject("data").getLong("version") > join.getJsonObject("data").getLong("version"), "versions order a user's events");
    // a connection each open and close, the two tabs on their two nodes, paired by connection id
    Predicate<JsonObject> joiner = e -> "lc-joiner".equals(e.getJsonObject("data").getString("userId"));
    Eventually.eventually(Duration.ofSeconds(10), "two closes", () -> events(joiner.and(e -> e.getString("type").equals("connection.close"))).size() == 2);
    java.util.Set<String> opened = new java.util.HashSet<>();
    events(joiner.and(e -> e.getString("type").equals("connection.open"))).forEach(e -> opened.add(e.getJsonObject("data").getString("connId")));
    java.util.Set<String> closed = new java.util.HashSet<>();
    events(joiner.and(e -> e.getString("type").equals("connection.close"))).forEach(e -> closed.add(e.getJsonObject("data").getString("connId")));
    assertEquals(2, opened.size());
    assertEquals(opened, closed);
    // the id is the change's name: whichever node raises it (again, after a failover), the same
    assertEquals(java.util.UUID.nameUUIDFromBytes(("channel.join\nlc.room|lc-joiner/" + join.getJsonObject("data").getLong("version"))
        .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString(), join.getString("id"));
  }

  @Test
  @DisplayName("a presence snapshot every round lists who is online, sent by one node only")
  void snapshots() {
    try (WsClient online = nodes.connect(nodes.b(), "lc-snapshot-user")) {
      online.sync();
      Eventually.eventually(Duration.ofSeconds(15), "a snapshot that lists the user", () -> events(e -> e.getString("type").equals("presence.snapshot")
          && e.getJsonObject("data").getJsonArray("users").stream().anyMatch(u -> "lc-snapshot-user".equals(((JsonObject) u).getString("userId")))).size() > 0);
      // two nodes try every round: each round (and part) is sent once
      Eventually.eventually(Duration.ofSeconds(10), "three rounds", () -> events(e -> e.getString("type").equals("presence.snapshot")).size() >= 3);
    }
    Map<String, Integer> perRound = new HashMap<>();
    for (JsonObject e : events(e -> e.getString("type").equals("presence.snapshot"))) {
      JsonObject d = e.getJsonObject("data");
      perRound.merge(d.getLong("round") + "/" + d.getInteger("part"), 1, Integer::sum);
      assertEquals(d.getInteger("online"), d.getJsonArray("users").size(), "one part holds them all here");
    }
    assertTrue(perRound.values().stream().allMatch(n -> n == 1), () -> "a round sent twice: " + perRound);
  }
}
