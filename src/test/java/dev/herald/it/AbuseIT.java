package dev.herald.it;

import dev.herald.protocol.ErrorCode;
import dev.herald.token.Rights;
import dev.herald.token.TestTokens;
import dev.herald.protocol.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.herald.it.Eventually.eventually;
import static dev.herald.token.TestTokens.claims;
import static dev.herald.token.TestTokens.hs256;
import static dev.herald.token.TestTokens.now;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The abuse suite: each test is an attack found by probing a live node, replayed against a real
 * node with tight limits, and the answer the attacker must get. Add an attack here with the
 * limit that stops it (docs/security.md lists both).
 */
class AbuseIT {

  private static final String METRICS_TOKEN = "metrics-token-0123456789";
  @RegisterExtension
  static final TestNodes nodes = TestNodes.single(new JsonObject()
      .put("http", new JsonObject().put("requestTimeoutSeconds", 2).put("metricsToken", METRICS_TOKEN)
          .put("apiRatePerSecond", 2000).put("authFailuresPerSecondPerIp", 2))
      // dev tokens with a secret from this file (allowed: it is not the environment's)
      .put("auth", new JsonObject().put("devTokens", true))
      .put("bridge", new JsonObject().put("commandsPerSecond", 20).put("commandBurst", 40).put("publishPerSecond", 5)
          .put("maxQueuedBytes", 65536))
      .put("broadcast", new JsonObject().put("historyMaxBytes", 65536).put("historyMaxBytesPerNode", 200_000).put("channelIdleSeconds", 4))
      .put("presence", new JsonObject().put("offlineRecordSeconds", 1))
      .put("webhook", new JsonObject().put("urls", new JsonArray().add("http://hook-user:hook-pass@127.0.0.1:1/hook?key=SECRETKEY"))
          .put("secret", "webhook-secret-webhook-secret-0123456789").put("maxFailures", 1).put("maxRetries", 0).put("resetTimeoutMs", 600_000))
      .put("roles", new JsonObject().put("webhook", 1)));
  private static final NodeHttp http = nodes.http(METRICS_TOKEN);

  // ---- 1. SockJS session hijack ----

  @Test
  @DisplayName("attack: Mallory's token on Alice's SockJS session is refused (403) for sending and for polling; Alice's own requests go on, even on her expired URL token")
  void sockJsSessionBelongsToItsOwner() throws Exception {
    String alice = hs256(claims("hj-alice"));
    String mallory = Rights.none().publish("*").token("hj-mallory");
    String session = http.openSession(alice);
    eventually("alice online", () -> "online".equals(http.status("hj-alice")));

    String busy = "[\"{\\\"type\\\":\\\"send\\\",\\\"address\\\":\\\"rt.presence.set\\\",\\\"body\\\":{\\\"status\\\":\\\"busy\\\"},\\\"replyAddress\\\":\\\"x\\\"}\"]";
    HttpResponse<String> hijack = http.call("POST", session + "xhr_send?token=" + mallory, busy);
    assertEquals(403, hijack.statusCode(), hijack.body());
    assertEquals("forbidden", new JsonObject(hijack.body()).getString("error"));
    assertEquals(403, http.call("POST", session + "xhr?token=" + mallory, "").statusCode(), "Mallory may not read Alice's inbox either");
    assertTrue(http.metric("herald_session_hijacks_refused_total", "") >= 2);

    // Alice's own send goes through, even with the URL token she opened with now expired
    // (her refreshed token lives on the connection; the fallback transports keep their URL)
    String expired = hs256(claims("hj-alice").put("exp", now() - 600));
    assertEquals(204, http.call("POST", session + "xhr_send?token=" + expired, busy).statusCode());
    eventually("alice busy", () -> "busy".equals(http.status("hj-alice")));
    // an expired token opens nothing new
    assertEquals(401, http.call("POST", NodeHttp.newSession() + "xhr?token=" + expired, "").statusCode());
  }

  // ---- 2. uploads ----

  @Test
  @DisplayName("attack: multipart uploads with no token leave nothing on disk (uploads are off everywhere)")
  void uploadsLeaveNothingOnDisk() throws Exception {
    Path uploads = Path.of("file-uploads");
    long before = count(uploads);
    String boundary = "b0undary";
    String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n" + "x".repeat(60_000) + "\r\n--" + boundary + "--\r\n";
    for (String path : new String[] {"/api/v1/anything", "/dev/token", "/eventbus/000/abc/xhr_send"}) {
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> r = http.call("POST", path, body, "Content-Type", "multipart/form-data; boundary=" + boundary);
        assertTrue(r.statusCode() >= 400, path + " answered " + r.statusCode());
      }
    }
    assertEquals(before, count(uploads), "files were written to " + uploads.toAbsolutePath());
  }

  private static long count(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  // ---- 3. dev tokens ----

  @Test
  @DisplayName("attack: /dev/token never mints roles (no service tokens from the dev endpoint)")
  void devTokensCarryNoRoles() throws Exception {
    HttpResponse<String> r = http.call("POST", "/dev/token", "{\"sub\":\"x\",\"roles\":[\"service\"]}");
    assertEquals(403, r.statusCode(), r.body());
    assertEquals(200, http.call("POST", "/dev/token", "{\"sub\":\"x\"}").statusCode());
  }

  // ---- 4. rate limits without a reply address ----

  @Test
  @DisplayName("attack: publishes without a replyAddress count against the limits; every one is stored or answered rate_limited")
  void limitsWithoutReplyAddress() throws Exception {
    String channel = "abuse.noreply";
    try (WsClient c = nodes.connect(nodes.a(), "spammer", Rights.none().publish("abuse.*"))) {
      // 30 frames: within the connection's burst of frames (40), over its burst of publishes (10)
      for (int i = 0; i < 30; i++) {
        c.send(new JsonObject().put("type", "send").put("address", Addresses.CHANNEL_PUBLISH)
            .put("body", new JsonObject().put("channel", channel).put("data", i)));
      }
      c.sync();
      long limited = c.pending().stream().filter(f -> "err".equals(f.getString("type"))
          && Addresses.CHANNEL_PUBLISH.equals(f.getString("address")) && Integer.valueOf(ErrorCode.RATE_LIMITED.code).equals(f.getInteger("failureCode"))).count();
      JsonObject h = new JsonObject(http.service("GET", "/api/v1/channels/" + channel + "/messages?limit=1000", null).body());
      int stored = h.getJsonArray("messages").size();
      assertTrue(limited > 0, "none refused; stored " + stored);
      assertEquals(30, stored + limited, "every publish stored or answered: stored " + stored + ", refused " + limited);
    }
  }

  @Test
  @DisplayName("attack: frames of any type past bridge.commandsPerSecond are answered rate_limited, pings included")
  void commandRate() {
    try (WsClient c = nodes.connect(nodes.a(), "pinger")) {
      for (int i = 0; i < 100; i++) {
        c.sendRaw("{\"type\":\"ping\"}");
      }
      JsonObject err = c.await(f -> "rate_limited".equals(f.getString("body")));
      assertEquals(ErrorCode.RATE_LIMITED.code, err.getInteger("failureCode"));
    }
  }

  // ---- 5. history bytes, UTF-8 ----

  @Test
  @DisplayName("attack: one publisher cannot fill the node: history is bounded per channel and per node, oldest channels dropped first")
  void historyIsBoundedInBytes() throws Exception {
    String kb16 = "\"" + "h".repeat(16_000) + "\"";
    for (int ch = 0; ch < 8; ch++) {
      for (int i = 0; i < 10; i++) {
        assertEquals(201, http.service("POST", "/api/v1/channels/abuse.fill" + ch + "/messages", "{\"data\":" + kb16 + "}").statusCode());
      }
    }
    // per channel: 64 KB holds 4 messages of 16 KB (each counted with its sender, trace id and ~100 bytes)
    JsonObject last = new JsonObject(http.service("GET", "/api/v1/channels/abuse.fill7/messages?limit=1000", null).body());
    assertEquals(4, last.getJsonArray("messages").size());
    assertFalse(last.getBoolean("recovered"), "asking from 0 past what was dropped is not a recovery");
    // per node: 8 x 48 KB is over 200 KB, so the channels published to first lose their history
    eventually("history dropped to the node budget", () -> http.metric("herald_history_dropped_bytes_total", "") > 0
        && new JsonObject(http.service("GET", "/api/v1/channels/abuse.fill0/messages", null).body()).getJsonArray("messages").isEmpty());
    assertFalse(new JsonObject(http.service("GET", "/api/v1/channels/abuse.fill7/messages", null).body()).getJsonArray("messages").isEmpty(),
        "the newest channel keeps its history");
  }

  @Test
  @DisplayName("attack: the data limit counts UTF-8 bytes: 20 000 euro signs (60 KB) are refused")
  void dataLimitInBytes() throws Exception {
    HttpResponse<String> r = http.service("POST", "/api/v1/channels/abuse.euro/messages", "{\"data\":\"" + "\u20ac".repeat(20_000) + "\"}");
    assertEquals(413, r.statusCode(), r.body());
  }

  // ---- 9. nesting depth ----

  @Test
  @DisplayName("attack: data nested past http.maxJsonDepth is refused at the edge (bridge and HTTP); at the limit it is stored and reads back")
  void depthLimited() throws Exception {
    String tooDeep = "[".repeat(40) + "]".repeat(40);
    HttpResponse<String> r = http.service("POST", "/api/v1/channels/abuse.deep/messages", "{\"data\":" + tooDeep + "}");
    assertEquals(400, r.statusCode(), r.body());
    try (WsClient c = nodes.connect(nodes.a(), "deep", Rights.none().publish("abuse.*"))) {
      JsonObject err = c.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "abuse.deep").put("data", new JsonArray(List.of(
          new JsonArray(tooDeep)))));
      assertEquals(ErrorCode.BAD_REQUEST.code, err.getInteger("failureCode"), err.encode());
    }
    String deepest = "[".repeat(31) + "]".repeat(31);
    assertEquals(201, http.service("POST", "/api/v1/channels/abuse.deep/messages", "{\"data\":" + deepest + "}").statusCode());
    HttpResponse<String> h = http.service("GET", "/api/v1/channels/abuse.deep/messages", null);
    assertEquals(200, h.statusCode(), h.body());
  }

  @Test
  @DisplayName("attack: limit=4294967297 is refused, not read as 1")
  void limitOverflow() throws Exception {
    assertEquals(400, http.service("GET", "/api/v1/channels/abuse.deep/messages?limit=4294967297", null).statusCode());
    assertEquals(400, http.service("GET", "/api/v1/channels/abuse.deep/messages?since=-1", null).statusCode());
  }

  // ---- 13. tokens ----

  @Test
  @DisplayName("attack: malformed time claims, crit headers and oversized tokens get 401 at the handshake; a 6 KB token is fine")
  void tokensAtTheHandshake() throws Exception {
    assertEquals(401, http.call("GET", "/eventbus/info?token=" + hs256(claims("t").put("exp", "tomorrow")), null).statusCode());
    assertEquals(401, http.call("GET", "/eventbus/info?token=" + hs256(claims("t").put("exp", 1e16)), null).statusCode());
    assertEquals(401, http.call("GET", "/eventbus/info?token="
        + TestTokens.hs256WithHeader(new JsonObject().put("crit", new JsonArray().add("x")), claims("t")), null).statusCode());
    assertEquals(401, http.call("GET", "/eventbus/info?token=" + hs256(claims("t").put("pad", "p".repeat(9000))), null).statusCode());
    assertEquals(200, http.call("GET", "/eventbus/info?token=" + hs256(claims("t").put("pad", "p".repeat(4500))), null).statusCode());
  }

  @Test
  @DisplayName("attack: an address presenting bad tokens faster than the limit is refused 429 without a signature check")
  void badTokensThrottledPerAddress() {
    int limited = 0;
    for (int i = 0; i < 40; i++) {
      // from an address of its own, so the other tests' bad tokens do not count here
      try (RawSocket s = RawSocket.open(nodes.port(), "127.0.0.7", 0)) {
        int status = s.request("GET", "/eventbus/info?token=bad.token.here", "", new byte[0]);
        if (status == 429) {
          limited++;
        } else {
          assertEquals(401, status);
        }
      }
    }
    assertTrue(limited > 0, "never throttled");
    try (RawSocket s = RawSocket.open(nodes.port(), "127.0.0.8", 0)) {
      assertEquals(200, s.request("GET", "/eventbus/info?token=" + hs256(claims("t")), "", new byte[0]), "another address is not affected");
    }
  }

  @Test
  @DisplayName("/metrics answers only with http.metricsToken; /ready shows webhook receivers without credentials or query")
  void nothingSecretLeaks() throws Exception {
    assertEquals(401, http.call("GET", "/metrics", null).statusCode());
    assertEquals(200, http.call("GET", "/metrics", null, "Authorization", "Bearer " + METRICS_TOKEN).statusCode());
    // a connect raises user.online; the receiver at port 1 refuses, the breaker opens, /ready says so
    try (WsClient c = nodes.connect(nodes.a(), "hook-trigger")) {
      c.sync();
      eventually("the webhook breaker opens", () -> http.call("GET", "/ready", null).body().contains("webhook http://127.0.0.1:1/hook"));
      String ready = http.call("GET", "/ready", null).body();
      assertFalse(ready.contains("hook-pass") || ready.contains("SECRETKEY") || ready.contains("hook-user"), ready);
    }
  }

  // ---- 10, 11. requests and frames ----

  @Test
  @DisplayName("attack: a request whose headers never end is closed after http.requestTimeoutSeconds")
  void halfOpenRequestClosed() {
    try (RawSocket s = RawSocket.open(nodes.port())) {
      s.writeAscii("GET /eventbus/websocket?token= HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      assertTrue(s.drainsToEnd(), "the half-open request is still open after 20 s");
    }
    try (RawSocket s = RawSocket.open(nodes.port())) {
      assertTrue(s.drainsToEnd(), "a connection that never sends a byte is still open after 20 s");
    }
  }

  @Test
  @DisplayName("a message over bridge.maxFrameBytes gets err too_large and the connection stays; one WebSocket frame over 64 KB (as browsers send a message) gets err too_large and close 1009, not 1011")
  void bigMessages() {
    String token = Rights.none().publish("abuse.*").token("big");
    String big = "{\"type\":\"send\",\"address\":\"rt.channel.publish\",\"body\":{\"channel\":\"abuse.big\",\"data\":\"" + "b".repeat(66_000) + "\"}}";
    try (WsClient c = nodes.connectWithToken(nodes.a(), token)) {
      c.sendRaw(big); // Vert.x's client sends it as two frames
      assertEquals("too_large", c.await(f -> "err".equals(f.getString("type"))).getString("body"));
      c.sync();
    }
    try (RawSocket s = RawSocket.open(nodes.port()).upgrade(token)) {
      s.sendFrame(big);
      RawSocket.Received r = s.receive();
      assertEquals("too_large", r.json().getString("body"));
      while (r.opcode() != 8) {
        r = s.receive();
      }
      assertEquals(1009, r.closeCode());
    }
  }

  @Test
  @DisplayName("a SockJS client disconnected by a service learns the close code (4403) from a last err frame: SockJS itself always says 3000")
  void sockJsCloseCode() throws Exception {
    String token = hs256(claims("sj-closed"));
    String session = http.openSession(token);
    eventually("online", () -> "online".equals(http.status("sj-closed")));
    assertEquals(202, http.service("POST", "/api/v1/users/sj-closed/disconnect", "{}").statusCode());
    // the session's last frame; a backend-health notice may come first (this node's webhook is down),
    // in the same poll's batch or in a poll of its own
    JsonObject last = null;
    StringBuilder polls = new StringBuilder();
    for (int i = 0; i < 5 && last == null; i++) {
      String poll = http.call("POST", session + "xhr?token=" + token, "").body();
      polls.append(poll).append('\n');
      assertTrue(poll.startsWith("a["), polls::toString);
      JsonArray batch = new JsonArray(poll.substring(1).trim());
      JsonObject end = new JsonObject(batch.getString(batch.size() - 1));
      if (!"rt.notices".equals(end.getString("address"))) {
        last = end;
      }
    }
    assertTrue(last != null, polls::toString);
    assertEquals("closed", last.getString("body"), polls::toString);
    assertEquals(4403, last.getInteger("failureCode"));
  }

  @Test
  @DisplayName("a refresh to a token with fewer rights drops the subscriptions it no longer allows, with an err for each")
  void refreshNarrowsRights() {
    try (WsClient c = nodes.connect(nodes.a(), "narrow", Rights.read("room.*"))) {
      c.subscribe("rt.channel.room.1");
      JsonObject ok = c.request(Addresses.AUTH_REFRESH, new JsonObject().put("token", Rights.read("lobby.*").token("narrow")));
      assertEquals("rec", ok.getString("type"), ok.encode());
      JsonObject err = c.awaitOn("rt.channel.room.1");
      assertEquals("err", err.getString("type"));
      assertEquals(ErrorCode.FORBIDDEN.code, err.getInteger("failureCode"));
    }
  }

  // ---- 6. slow consumers ----

  @Test
  @DisplayName("attack: a subscriber that stops reading is closed as a slow consumer and its TCP connection cut, past bridge.maxQueuedBytes; the others on the channel go on")
  void slowConsumerClosed() throws Exception {
    double before = http.metric("herald_limited_total", "bound=\"slow_consumer\"");
    try (WsClient healthy = nodes.connect(nodes.a(), "healthy", Rights.read("abuse.*"));
         RawSocket s = RawSocket.open(nodes.port(), "127.0.0.1", 4096).upgrade(Rights.read("abuse.*").token("slow"))) {
      healthy.subscribe("rt.channel.abuse.slow");
      s.send(new JsonObject().put("type", "register").put("address", "rt.channel.abuse.slow"));
      s.send(new JsonObject().put("type", "send").put("address", "rt.nowhere").put("replyAddress", "registered"));
      while (!"registered".equals(s.receive().json().getString("address"))) {
        // frames before the barrier
      }
      String kb16 = "\"" + "s".repeat(16_000) + "\"";
      // it reads nothing more; the kernel's buffers take a few MB before the server's queue grows
      for (int i = 0; i < 2000 && http.metric("herald_limited_total", "bound=\"slow_consumer\"") == before; i++) {
        for (int k = 0; k < 20; k++) {
          http.service("POST", "/api/v1/channels/abuse.slow/messages", "{\"data\":" + kb16 + "}");
        }
      }
      assertTrue(http.metric("herald_limited_total", "bound=\"slow_consumer\"") > before, "never closed as a slow consumer");
      assertTrue(s.drainsToEnd(), "the slow consumer's TCP connection is still open");
      http.service("POST", "/api/v1/channels/abuse.slow/messages", "{\"data\":\"after\"}");
      assertEquals("after", healthy.await(f -> f.getJsonObject("body") != null && "after".equals(f.getJsonObject("body").getValue("data")))
          .getJsonObject("body").getString("data"));
    }
  }

  // ---- 12. state that grows with every user ----

  @Test
  @DisplayName("attack: users who came once and left do not stay in presence: offline records expire; a returning user's versions still grow")
  void offlineRecordsExpire() throws Exception {
    String user = "once-" + UUID.randomUUID();
    long onlineVersion;
    try (WsClient c = nodes.connect(nodes.a(), user)) {
      c.sync();
      onlineVersion = new JsonObject(http.service("GET", "/api/v1/presence/" + user, null).body()).getLong("version");
    }
    var records = TestNodes.hz(nodes.a()).getMap("herald.presence");
    eventually("the offline record expires", () -> !records.containsKey(user));
    try (WsClient c = nodes.connect(nodes.a(), user)) {
      c.sync();
      long again = new JsonObject(http.service("GET", "/api/v1/presence/" + user, null).body()).getLong("version");
      assertTrue(again > onlineVersion, "version went back from " + onlineVersion + " to " + again);
    }
  }

  @Test
  @DisplayName("attack: channels used once do not stay: an idle channel's log expires, and its next message starts a new epoch at seq 1")
  void idleChannelsExpire() throws Exception {
    String channel = "abuse.once-" + UUID.randomUUID().toString().substring(0, 8);
    JsonObject first = new JsonObject(http.service("POST", "/api/v1/channels/" + channel + "/messages", "{\"data\":1}").body());
    String epoch = new JsonObject(http.service("GET", "/api/v1/channels/" + channel + "/messages", null).body()).getString("epoch");
    assertEquals(1, first.getLong("seq"));
    var logs = TestNodes.hz(nodes.a()).getMap("herald.channels");
    eventually("the idle channel's log expires", () -> !logs.containsKey(channel));
    assertEquals(1, new JsonObject(http.service("POST", "/api/v1/channels/" + channel + "/messages", "{\"data\":2}").body()).getLong("seq"));
    String again = new JsonObject(http.service("GET", "/api/v1/channels/" + channel + "/messages", null).body()).getString("epoch");
    assertFalse(epoch.equals(again), "the epoch did not change");
  }
}
