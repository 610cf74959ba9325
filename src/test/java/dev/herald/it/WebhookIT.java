package dev.herald.it;

import dev.herald.node.Node;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.WebhookEvents;
import dev.herald.token.Rights;
import dev.herald.webhook.WebhookVerticle;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Webhooks from two real nodes to a real HTTP receiver started by the test. */
class WebhookIT {

  private static final String SECRET = "webhook-secret-webhook-secret-0123456789";
  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();
  /** Chosen before the nodes start, whose conf names it; the receiver listens on it before any test. */
  private static final int RECEIVER_PORT = TestNodes.freePort();
  private static final JsonObject WEBHOOKS = new JsonObject().put("urls", new io.vertx.core.json.JsonArray()
          .add("http://127.0.0.1:" + RECEIVER_PORT + "/hook").add("http://127.0.0.1:" + RECEIVER_PORT + "/second")).put("secret", SECRET)
      .put("maxRetries", 0).put("maxFailures", 3).put("resetTimeoutMs", 300).put("timeoutMs", 1000).put("queueSize", 5)
      .put("snapshotSeconds", 0); // counts and drops are exact here: no periodic snapshot (WebhookLifecycleIT has them)
  /** Node a runs the webhook service; node b none: what b raises goes to a's, over the cluster. */
  @RegisterExtension
  static final TestNodes nodes = TestNodes.pair(new JsonObject().put("webhook", WEBHOOKS).put("roles", new JsonObject().put("webhook", 1)),
      new JsonObject().put("webhook", WEBHOOKS));
  /** What the receiver does with the next calls: fail this many, then hang or answer. */
  private static final AtomicInteger failNext = new AtomicInteger();
  private static volatile boolean hang;
  private static final List<JsonObject> received = new CopyOnWriteArrayList<>();
  private static final List<JsonObject> breakerStates = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    nodes.listen(RECEIVER_PORT, WebhookIT::receive);
    nodes.a().vertx().eventBus().<JsonObject>consumer(Addresses.WEBHOOK_BREAKER, m -> breakerStates.add(m.body())).completion().await();
  }

  @BeforeEach
  @AfterEach
  void reset() {
    failNext.set(0);
    hang = false;
  }

  private static void receive(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      if (hang) {
        return; // never answers
      }
      if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        req.response().setStatusCode(500).end();
        return;
      }
      String expected = WebhookEvents.sign(SECRET, body.getBytes());
      received.add(new JsonObject().put("path", req.path()).put("event", new JsonObject(body))
          .put("signatureValid", expected.equals(req.getHeader(WebhookEvents.SIGNATURE_HEADER)))
          .put("node", req.getHeader("X-Herald-Node")).put("trace", req.getHeader("X-Trace-Id")));
      req.response().setStatusCode(204).end();
    });
  }

  /** What the first receiver (/hook) got; the second (/second) gets the same, checked in {@link #everyReceiver}. */
  private static List<JsonObject> eventsFor(Predicate<JsonObject> which) {
    return eventsFor("/hook", which);
  }

  private static List<JsonObject> eventsFor(String path, Predicate<JsonObject> which) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject r : received) {
      if (r.getString("path").equals(path) && which.test(r.getJsonObject("event"))) {
        out.add(r);
      }
    }
    return out;
  }

  /** Waits (polling the receiver's list) until {@code n} events match. */
  private static List<JsonObject> await(int n, Predicate<JsonObject> which) {
    Eventually.eventually(Duration.ofSeconds(20), n + " events", () -> eventsFor(which).size() >= n);
    List<JsonObject> got = eventsFor(which);
    assertEquals(n, got.size(), () -> "events: " + got);
    return got;
  }

  private static Predicate<JsonObject> user(String prefix) {
    return e -> e.getJsonObject("data").getString("userId", "").startsWith(prefix);
  }

  @Test
  @DisplayName("one presence change on two nodes is one webhook call, signed, from one node")
  void exactlyOnce() throws Exception {
    WsClient c = nodes.connect(nodes.a(), "once-1");
    List<JsonObject> online = await(1, user("once-").and(e -> e.getString("type").equals("user.online")));
    assertTrue(online.get(0).getBoolean("signatureValid"));
    assertTrue(online.get(0).getString("trace") != null, "the connection's trace id travels in X-Trace-Id");
    c.close();
    await(1, user("once-").and(e -> e.getString("type").equals("user.offline")));
    WsClient c2 = nodes.connect(nodes.b(), "once-1");
    c2.sync();
    JsonObject viaB = await(2, user("once-").and(e -> e.getString("type").equals("user.online"))).get(1);
    assertEquals(nodes.b().config().node().name(), viaB.getJsonObject("event").getString("node"), "raised by b, whose presence service counted c2");
    assertEquals(nodes.a().config().node().name(), viaB.getString("node"), "sent by a's webhook service: b runs none");
    c2.close();
    await(2, user("once-").and(e -> e.getString("type").equals("user.offline")));
    Set<String> ids = new HashSet<>();
    eventsFor(user("once-")).forEach(r -> ids.add(r.getJsonObject("event").getString("id")));
    assertEquals(4, ids.size(), "four distinct events, none twice");
  }

  @Test
  @DisplayName("every configured URL gets every event")
  void everyReceiver() throws Exception {
    WsClient c = nodes.connect(nodes.a(), "both-1");
    c.close();
    await(2, user("both-"));
    Eventually.eventually(Duration.ofSeconds(20), "both events at /second", () -> eventsFor("/second", user("both-")).size() >= 2);
    Set<String> first = new HashSet<>();
    Set<String> second = new HashSet<>();
    eventsFor(user("both-")).forEach(r -> first.add(r.getJsonObject("event").getString("id")));
    eventsFor("/second", user("both-")).forEach(r -> second.add(r.getJsonObject("event").getString("id")));
    assertEquals(first, second);
  }

  @Test
  @DisplayName("a failing receiver opens the circuit, events queue, and after recovery each arrives once, in order per user")
  void breakerOpensAndRecovers() throws Exception {
    long deliveredBefore = webhookFigures(nodes.a()).getLong("delivered");
    double deliveredMetricBefore = metric(nodes.a(), "herald_webhook_delivered");
    breakerStates.clear();
    failNext.set(6);
    List<WsClient> users = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      users.add(nodes.connect(nodes.a(), "flaky-" + i));
    }
    users.forEach(WsClient::close);
    // 2 online + 2 offline: the queue (5) holds them all while the circuit is open
    List<JsonObject> got = await(4, user("flaky-"));
    assertTrue(breakerStates.stream().anyMatch(s -> s.getString("state").equals("open")), () -> "states: " + breakerStates);
    assertTrue(breakerStates.stream().anyMatch(s -> s.getString("state").equals("half_open")), () -> "states: " + breakerStates);
    assertTrue(breakerStates.stream().anyMatch(s -> s.getString("state").equals("closed")), () -> "states: " + breakerStates);
    for (int i = 0; i < 2; i++) {
      String u = "flaky-" + i;
      List<String> types = new ArrayList<>();
      got.stream().map(r -> r.getJsonObject("event")).filter(e -> e.getJsonObject("data").getString("userId").equals(u))
          .forEach(e -> types.add(e.getString("type")));
      assertEquals(List.of("user.online", "user.offline"), types, u);
    }
    assertTrue(got.stream().allMatch(r -> r.getBoolean("signatureValid")));
    // what an operator sees follows the recovery: nothing queued, all four delivered to both
    // receivers, the circuit closed, in /ready and in /metrics alike
    Eventually.eventually(Duration.ofSeconds(10), "/ready's webhook figures after the recovery", () -> {
      JsonObject f = webhookFigures(nodes.a());
      return f.getLong("queued") == 0 && f.getLong("delivered") >= deliveredBefore + 8;
    });
    Eventually.eventually(Duration.ofSeconds(10), "/metrics after the recovery", () -> metric(nodes.a(), "herald_webhook_queue") == 0
        && metric(nodes.a(), "herald_webhook_delivered") >= deliveredMetricBefore + 8 && metric(nodes.a(), "herald_webhook_circuit_open") == 0);
  }

  /** A series of a node's /metrics. */
  private static double metric(Node n, String series) throws Exception {
    return MetricsText.value(get(n, "/metrics"), series);
  }

  /** The webhook block of a node's /ready. */
  private static JsonObject webhookFigures(Node n) throws Exception {
    return new JsonObject(get(n, "/ready")).getJsonObject("webhook");
  }

  private static String get(Node n, String path) throws Exception {
    return HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + n.config().http().port() + path)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  @DisplayName("a receiver that hangs never delays presence events to clients")
  void hangingReceiverDoesNotBlockPresence() throws Exception {
    try (WsClient watcher = nodes.connect(nodes.b(), "hang-watcher");
         WsClient subject = nodes.connect(nodes.a(), "hang-subject")) {
      watcher.subscribe(Addresses.presenceUser("hang-subject"));
      long before = latency(subject, watcher, "online", "busy");
      hang = true;
      long worst = 0;
      String from = "busy";
      for (String to : List.of("away", "online", "busy", "away", "online")) {
        worst = Math.max(worst, latency(subject, watcher, from, to));
        from = to;
      }
      System.out.printf("presence event latency: %d ms before, at most %d ms while the webhook receiver hangs%n", before, worst);
      // a presence path waiting on the webhook would take its whole timeout (1 s) or more
      assertTrue(worst < 1000, "presence events kept flowing: worst " + worst + " ms, before " + before + " ms");
    }
  }

  /**
   * The time from setting {@code to} to the watcher's event for that change. The event is matched
   * by its previous status too: the subject's own "online" on connect may reach the watcher late,
   * and must not pass for the answer to a later "online".
   */
  private static long latency(WsClient subject, WsClient watcher, String from, String to) {
    long t0 = System.nanoTime();
    subject.send(new JsonObject().put("type", "send").put("address", Addresses.PRESENCE_SET).put("body", new JsonObject().put("status", to)));
    watcher.await(f -> Addresses.presenceUser("hang-subject").equals(f.getString("address"))
        && to.equals(f.getJsonObject("body").getString("status")) && from.equals(f.getJsonObject("body").getString("previous")));
    return (System.nanoTime() - t0) / 1_000_000;
  }

  @Test
  @DisplayName("past the queue size the oldest events are dropped, and the drop counter rises by exactly that many")
  void overflow() throws Exception {
    hang = true;
    // the hung call holds one event; let the circuit open on the timeouts
    long droppedBefore = droppedOn(nodes.a());
    List<WsClient> users = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      WsClient u = nodes.connect(nodes.a(), "flood-" + i);
      users.add(u);
      // a connection's frames wait until presence counted it, which raised its event: one user
      // at a time, so the events are raised in this order (concurrent connects complete in any order)
      u.sync();
    }
    // 10 user.online events raised on node a while nothing gets through: queue 5, the rest dropped
    Eventually.eventually(Duration.ofSeconds(20), "ten drops", () -> droppedOn(nodes.a()) - droppedBefore >= 10);
    assertEquals(5 * 2, droppedOn(nodes.a()) - droppedBefore, "five dropped for each of the two receivers");
    hang = false;
    // once the receiver answers: the event that was being sent, then the newest four

    List<JsonObject> got = await(5, user("flood-"));
    Set<String> users5 = new HashSet<>();
    got.forEach(r -> users5.add(r.getJsonObject("event").getJsonObject("data").getString("userId")));
    assertEquals(Set.of("flood-0", "flood-6", "flood-7", "flood-8", "flood-9"), users5);
    users.forEach(WsClient::close);
  }

  @Test
  @DisplayName("the first member in a channel raises channel.occupied, the last one leaving channel.vacated")
  void occupancy() throws Exception {
    WsClient c1 = nodes.connect(nodes.a(), "occupant", Rights.read("occ.*"));
    WsClient c2 = nodes.connect(nodes.b(), "occupant2", Rights.read("occ.*"));
    Predicate<JsonObject> room = e -> "occ.room".equals(e.getJsonObject("data").getString("channel"));
    c1.subscribe(Addresses.channel("occ.room"));
    await(1, room.and(e -> e.getString("type").equals("channel.occupied")));
    c2.subscribe(Addresses.channel("occ.room"));
    // the count that decides occupied and vacated: wait for it to see both, then one (a vacated
    // raised at that change would have to be raised right there, from a count of zero)
    Eventually.eventually(Duration.ofSeconds(10), "occupancy 2", () -> Integer.valueOf(2).equals(occupancy("occ.room")));
    c1.close();
    Eventually.eventually(Duration.ofSeconds(10), "occupancy 1 after the first leaves", () -> Integer.valueOf(1).equals(occupancy("occ.room")));
    c2.close();
    List<JsonObject> vacated = await(1, room.and(e -> e.getString("type").equals("channel.vacated")));
    assertEquals("occupant2", vacated.get(0).getJsonObject("event").getJsonObject("data").getString("userId"), "vacated by the last member out, not the first");
    assertEquals(1, eventsFor(room.and(e -> e.getString("type").equals("channel.occupied"))).size());
    // and nothing of this test is left in flight for the next: each user's online and offline too
    await(6, user("occupant"));
  }

  @Test
  @DisplayName("occupancy and offline webhooks carry the trace id of the frame or request that caused them")
  void tracesReachOccupancyAndOffline() throws Exception {
    WsClient c = nodes.connect(nodes.a(), "tracer", Rights.read("tr.*"));
    Predicate<JsonObject> room = e -> "tr.room".equals(e.getJsonObject("data").getString("channel"));
    String address = Addresses.channel("tr.room");
    c.send(new JsonObject().put("type", "register").put("address", address).put("headers", new JsonObject().put("traceId", "trace-register-1")));
    assertEquals("trace-register-1", await(1, room.and(type("channel.occupied"))).get(0).getString("trace"));
    c.send(new JsonObject().put("type", "unregister").put("address", address).put("headers", new JsonObject().put("traceId", "trace-unregister-1")));
    assertEquals("trace-unregister-1", await(1, room.and(type("channel.vacated"))).get(0).getString("trace"));
    c.subscribe(address);
    await(2, room.and(type("channel.occupied")));
    java.net.http.HttpResponse<String> r = HTTP.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + TestNodes.port(nodes.b()) + "/api/v1/users/tracer/disconnect"))
        .header("Authorization", "Bearer " + NodeHttp.SERVICE).header("X-Trace-Id", "trace-kick-1")
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(202, r.statusCode(), r.body());
    assertEquals("trace-kick-1", await(2, room.and(type("channel.vacated"))).get(1).getString("trace"));
    assertEquals("trace-kick-1", await(1, user("tracer").and(type("user.offline"))).get(0).getString("trace"));
  }

  private static Predicate<JsonObject> type(String type) {
    return e -> e.getString("type").equals(type);
  }

  /** The cluster's member count of a channel, as the membership service keeps it. */
  private static Integer occupancy(String channel) {
    return TestNodes.hz(nodes.a()).<String, Integer>getMap("herald.occupancy").get(channel);
  }

  @Test
  @DisplayName("/metrics exposes Herald's series in Prometheus format, and they move when traffic flows")
  void metrics() throws Exception {
    String before = get(nodes.a(), "/metrics");
    for (String series : List.of("herald_connections_open", "herald_connects_total", "herald_frames_in_total", "herald_fanout_deliveries_total",
        "herald_cluster_members", "herald_channels", "herald_history_messages", "herald_presence_records", "herald_presence_online",
        "herald_webhook_queue", "herald_webhook_dropped",
        "herald_webhook_circuit_open", "herald_publish_seconds_bucket", "herald_presence_events_total", "jvm_memory_used_bytes")) {
      assertTrue(before.contains(series), series + " in\n" + before);
    }
    // a gauge whose state only it held was collected and read NaN (herald_cluster_members did)
    System.gc();
    String collected = get(nodes.a(), "/metrics");
    List<String> nan = collected.lines().filter(l -> !l.startsWith("#") && l.endsWith(" NaN")).toList();
    assertEquals(List.of(), nan, "no series reads NaN after a GC");
    assertEquals(2.0, MetricsText.value(collected, "herald_cluster_members"));
    double connects = MetricsText.value(before, "herald_connects_total");
    double deliveries = MetricsText.value(before, "herald_fanout_deliveries_total");
    try (WsClient c = nodes.connect(nodes.a(), "metered", Rights.read("m.*").publish("m.*"))) {
      c.subscribe(Addresses.channel("m.x"));
      c.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "m.x").put("data", 1));
      c.awaitOn(Addresses.channel("m.x"));
      String after = get(nodes.a(), "/metrics");
      assertEquals(connects + 1, MetricsText.value(after, "herald_connects_total"));
      assertTrue(MetricsText.value(after, "herald_fanout_deliveries_total") >= deliveries + 1);
      assertTrue(MetricsText.value(after, "herald_publish_seconds_count") >= 1, "the publish was timed");
      // the gateways report their connections every second: wait for this one to be counted
      Eventually.eventually(java.time.Duration.ofSeconds(10), "herald_connections_open counts the client",
          () -> metric(nodes.a(), "herald_connections_open") >= 1);
    }
  }

  private static long droppedOn(Node n) {
    JsonObject s = dev.herald.observability.Readiness.figures(n.vertx(), WebhookVerticle.FIGURES);
    return s == null ? 0 : s.getLong("dropped");
  }
}
