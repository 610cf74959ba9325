package dev.herald.it;

import dev.herald.protocol.Addresses;
import dev.herald.protocol.CloseCode;
import dev.herald.protocol.ErrorCode;
import dev.herald.token.Rights;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.herald.it.Eventually.eventually;
import static dev.herald.token.TestTokens.claims;
import static dev.herald.token.TestTokens.hs256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile clients, round two: the attacks a second probing found at the edge (a path spelled
 * another way, connections and frames that cost the node without end, answers worth thousands of
 * times their question, what a client saw differing from what history keeps), each replayed raw
 * against a real node with tight limits (docs/security.md lists each with its bound).
 */
class EdgeAbuseIT {

  private static final String ORIGIN = "http://app.example";
  private static final int PER_USER = 3;
  private static final int PER_ADDRESS = 20;
  private static final int MAX_CONNECTIONS = 150;
  private static final int ANSWER_BYTES = 65_536;
  @RegisterExtension
  static final TestNodes nodes = TestNodes.single(new JsonObject()
      .put("http", new JsonObject().put("requestTimeoutSeconds", 2).put("allowedOrigins", new JsonArray().add(ORIGIN))
          .put("apiRatePerSecond", 2000).put("maxConnections", MAX_CONNECTIONS).put("maxConnectionsPerAddress", PER_ADDRESS))
      .put("bridge", new JsonObject().put("commandsPerSecond", 20).put("commandBurst", 40)
          .put("maxConnectionsPerUser", PER_USER).put("answerBytesPerSecond", ANSWER_BYTES)));
  private static final NodeHttp http = nodes.http();

  // ---- issue 26.1: one spelling of a path ----

  @Test
  @DisplayName("attack: Mallory's token on Alice's SockJS session through another spelling of its path (xhr%5Fsend, %78hr_send, xhr_sen%64, xh%72, ./) is refused 400; nothing is sent as Alice, nothing of hers is read")
  void percentEncodedSessionPaths() throws Exception {
    String alice = hs256(claims("pe-alice"));
    String mallory = Rights.none().publish("*").token("pe-mallory");
    String session = http.openSession(alice);
    eventually("alice online", () -> "online".equals(http.status("pe-alice")));
    String busy = "[\"{\\\"type\\\":\\\"send\\\",\\\"address\\\":\\\"rt.presence.set\\\",\\\"body\\\":{\\\"status\\\":\\\"busy\\\"}}\"]";
    String publish = "[\"{\\\"type\\\":\\\"send\\\",\\\"address\\\":\\\"rt.channel.publish\\\",\\\"body\\\":{\\\"channel\\\":\\\"pe.room\\\",\\\"data\\\":\\\"as alice\\\"}}\"]";
    for (String send : List.of("xhr%5Fsend", "xhr%5fsend", "%78hr_send", "xhr_sen%64", "./xhr_send", "x/../xhr_send")) {
      for (String frames : List.of(busy, publish)) {
        HttpResponse<String> r = http.call("POST", session + send + "?token=" + mallory, frames);
        assertEquals(400, r.statusCode(), send + ": " + r.body());
        assertEquals("bad_request", new JsonObject(r.body()).getString("error"), send);
      }
    }
    for (String poll : List.of("xh%72", "%78hr", "xhr%5Fstreaming")) {
      assertEquals(400, http.call("POST", session + poll + "?token=" + mallory, "").statusCode(), poll);
    }
    // the API names and the console's path take one spelling too
    assertEquals(400, http.service("GET", "/api/v1/channels/pe%2Eroom/messages", null).statusCode());
    assertEquals(400, http.call("GET", "/%61dmin", null).statusCode());
    // nothing reached Alice's session: her status, and history, are untouched
    assertEquals("online", http.status("pe-alice"));
    JsonObject history = new JsonObject(http.service("GET", "/api/v1/channels/pe.room/messages", null).body());
    assertTrue(history.getJsonArray("messages").isEmpty(), history.encode());
    // while her own send, spelled as SockJS spells it, goes through
    assertEquals(204, http.call("POST", session + "xhr_send?token=" + alice, busy).statusCode());
    eventually("alice busy", () -> "busy".equals(http.status("pe-alice")));
  }

  // ---- issue 26.2: every connection has a deadline ----

  @Test
  @DisplayName("attack: a plain request with an Upgrade: websocket header, answered, then silence, is closed after http.requestTimeoutSeconds like any idle connection")
  void upgradeHeaderOnAPlainRoute() {
    List<RawSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        RawSocket s = RawSocket.open(nodes.port(), "127.0.3." + (i + 1), 0);
        s.writeAscii("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        held.add(s);
      }
      for (RawSocket s : held) {
        // the answer, then the end: the socket's 20 s timeout would fail it
        long n = s.countToEnd();
        assertTrue(n > 0, "the connection is still open after 20 s, or was never answered (" + n + ")");
      }
    } finally {
      held.forEach(RawSocket::close);
    }
  }

  // ---- issue 26.3: control frames and fragments cost like any frame ----

  @Test
  @DisplayName("attack: WebSocket pings sent by the thousand close the connection (4429, flooding) once past the frame rate, after an err saying why; /health answers meanwhile")
  void pingFlood() throws Exception {
    double before = http.metric("herald_limited_total", "bound=\"commands\"");
    try (RawSocket s = RawSocket.open(nodes.port(), "127.0.4.1", 0).upgrade(hs256(claims("pinger-raw")))) {
      byte[] payload = new byte[125];
      for (int i = 0; i < 1000; i++) { // the burst is 40
        s.sendFrame(0x9, true, payload);
      }
      assertEquals(200, http.call("GET", "/health", null).statusCode());
      RawSocket.Received r = s.receive();
      int pongs = 0;
      while (r.opcode() == 0xA) {
        pongs++;
        r = s.receive();
      }
      assertTrue(pongs <= 41, pongs + " pongs: the pings past the burst were answered");
      assertEquals(ErrorCode.RATE_LIMITED.code, r.json().getInteger("failureCode"), r.json().encode());
      while (r.opcode() != 8) {
        r = s.receive();
      }
      assertEquals(CloseCode.FLOODING.code, r.closeCode());
    }
    assertTrue(http.metric("herald_limited_total", "bound=\"commands\"") > before, "the frame rate did not count the pings");
  }

  @Test
  @DisplayName("attack: a message sent as hundreds of 1-byte fragments counts each fragment against the frame rate: closed 4429 past the burst")
  void fragmentFlood() {
    try (RawSocket s = RawSocket.open(nodes.port(), "127.0.4.2", 0).upgrade(hs256(claims("fragmenter")))) {
      s.sendFrame(0x1, false, "{".getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < 200; i++) {
        s.sendFrame(0x0, false, " ".getBytes(StandardCharsets.UTF_8));
      }
      RawSocket.Received r = s.receive();
      assertEquals(ErrorCode.RATE_LIMITED.code, r.json().getInteger("failureCode"), r.json().encode());
      while (r.opcode() != 8) {
        r = s.receive();
      }
      assertEquals(CloseCode.FLOODING.code, r.closeCode());
    }
  }

  @Test
  @DisplayName("pings within the frame rate are answered with pongs, and the connection goes on")
  void pingsWithinTheRate() {
    try (RawSocket s = RawSocket.open(nodes.port(), "127.0.4.3", 0).upgrade(hs256(claims("polite-pinger")))) {
      for (int i = 0; i < 5; i++) {
        s.sendFrame(0x9, true, new byte[] {(byte) i});
        RawSocket.Received pong = s.receive();
        assertEquals(0xA, pong.opcode());
        assertEquals(i, pong.payload()[0]);
      }
      s.send(new JsonObject().put("type", "send").put("address", Addresses.PRESENCE_GET)
          .put("body", new JsonObject().put("users", new JsonArray().add("nobody"))).put("replyAddress", "r1"));
      assertEquals("r1", s.receive().json().getString("address"));
    }
  }

  // ---- issue 32.1: pipelined requests whose answers are never read ----

  @Test
  @DisplayName("attack: pipelined GET /health (three times what the kernel's buffers hold) whose answers are not read: the node stops answering once its output backs up, and closes the connection at the deadline")
  void pipelinedUnread() throws Exception {
    double heldBefore = http.metric("herald_http_requests_held_total", "");
    double open = http.metric("herald_tcp_connections", "");
    // the node's socket may hold up to tcp_wmem's maximum before TCP pushes back (4 MB here, more
    // on other machines): ask for three times that in answers, so that an answer count over half of
    // them means the node kept answering past the push-back
    int requests = (int) Math.max(40_000, 3 * (kernelSendBufferMax() + (1 << 20)) / 200);
    try (RawSocket s = RawSocket.open(nodes.port(), "127.0.5.1", 4096)) {
      String many = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(requests);
      try {
        s.writeAscii(many); // 40 bytes asking for over 200 each: blocks once the node stops reading
      } catch (java.io.UncheckedIOException closed) {
        // the node closed the connection at the deadline, our requests still unsent
      }
      // the node closes it while the client still reads nothing (a close that waited for the queued
      // answers to go out first would wait for ever)
      eventually("the node closed the unread connection", () -> http.metric("herald_tcp_connections", "") <= open);
      long read = s.countToEnd();
      assertTrue(read >= 0, "the connection is still open 20 s after");
      long answered = read / 200; // an answer to /health is over 200 bytes
      assertTrue(answered < requests / 2, answered + " answers: nothing pushed back (" + read + " bytes)");
    }
    assertTrue(http.metric("herald_http_requests_held_total", "") > heldBefore);
    assertTrue(http.metric("herald_write_timeouts_total", "") > 0);
  }

  /** The largest send buffer TCP autotuning gives a socket (tcp_wmem's third field), 4 MB if unread. */
  private static long kernelSendBufferMax() {
    try {
      String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
      return Long.parseLong(f[2]);
    } catch (java.io.IOException | RuntimeException e) {
      return 4L << 20;
    }
  }

  // ---- issue 32.2: connections per user, per address, per node ----

  @Test
  @DisplayName("attack: one token opens more WebSockets than bridge.maxConnectionsPerUser: the next is closed 4430 with an err saying why; a closed one frees its place")
  void connectionsPerUser() {
    String token = hs256(claims("many-tabs"));
    List<RawSocket> open = new ArrayList<>();
    try {
      for (int i = 0; i < PER_USER; i++) {
        open.add(RawSocket.open(nodes.port(), "127.0.6." + (i + 1), 0).upgrade(token));
      }
      try (RawSocket extra = RawSocket.open(nodes.port(), "127.0.6.100", 0).upgrade(token)) {
        RawSocket.Received r = extra.receive();
        assertEquals(CloseCode.TOO_MANY_CONNECTIONS.code, r.json().getInteger("failureCode"), r.json().encode());
        while (r.opcode() != 8) {
          r = extra.receive();
        }
        assertEquals(CloseCode.TOO_MANY_CONNECTIONS.code, r.closeCode());
      }
      open.remove(0).close();
      eventually("a place freed", () -> {
        try (RawSocket again = RawSocket.open(nodes.port(), "127.0.6.101", 0).upgrade(token)) {
          again.send(new JsonObject().put("type", "send").put("address", Addresses.PRESENCE_GET)
              .put("body", new JsonObject().put("users", new JsonArray().add("nobody"))).put("replyAddress", "r"));
          return "r".equals(again.receive().json().getString("address"));
        }
      });
    } finally {
      open.forEach(RawSocket::close);
    }
  }

  @Test
  @DisplayName("attack: one address opens more TCP connections than http.maxConnectionsPerAddress: the next is answered 429 and closed; the node as a whole refuses past http.maxConnections")
  void connectionsPerAddressAndNode() throws Exception {
    List<RawSocket> open = new ArrayList<>();
    try {
      for (int i = 0; i < PER_ADDRESS; i++) {
        open.add(RawSocket.open(nodes.port(), "127.0.7.1", 0));
      }
      try (RawSocket extra = RawSocket.open(nodes.port(), "127.0.7.1", 0)) {
        RawSocket.Answer a = extra.exchange("GET", "/health", "");
        assertEquals(429, a.status(), a.body());
        assertTrue(a.body().contains("connections per address"), a.body());
      }
      // another address is not held back by the first
      try (RawSocket other = RawSocket.open(nodes.port(), "127.0.7.2", 0)) {
        assertEquals(200, other.exchange("GET", "/health", "").status());
      }
      // the node: connections from distinct addresses, each asking at once (within the 2-s deadline
      // of the first); past http.maxConnections in all, one is closed with no answer
      List<RawSocket> many = new ArrayList<>();
      for (int i = 0; i < MAX_CONNECTIONS + 10; i++) {
        RawSocket s = RawSocket.open(nodes.port(), "127.0.8." + (i + 1), 0);
        many.add(s);
        s.writeAscii("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      }
      open.addAll(many);
      long answered = many.stream().filter(s -> s.readLine().startsWith("HTTP/1.1 200")).count();
      assertTrue(answered < many.size(), "all " + many.size() + " answered, with " + open.size() + " open");
      assertTrue(answered >= MAX_CONNECTIONS - PER_ADDRESS - 10, "only " + answered + " answered: refused below the bound");
    } finally {
      open.forEach(RawSocket::close);
    }
    eventually("the node takes connections again", () -> http.call("GET", "/health", null).statusCode() == 200);
    assertTrue(http.metric("herald_connections_refused_total", "reason=\"node\"") > 0);
    assertTrue(http.metric("herald_connections_refused_total", "reason=\"address\"") > 0);
  }

  @Test
  @DisplayName("WebSockets that closed give their place back: three rounds of http.maxConnectionsPerAddress WebSockets from one address, each closed before the next")
  void closedWebSocketsLeaveTheCount() throws Exception {
    for (int round = 0; round < 3; round++) {
      List<RawSocket> open = new ArrayList<>();
      try {
        for (int i = 0; i < PER_ADDRESS; i++) {
          open.add(RawSocket.open(nodes.port(), "127.0.9.1", 0).upgrade(hs256(claims("round-" + round + "-" + i))));
        }
      } finally {
        open.forEach(RawSocket::close);
      }
      eventually("the closed WebSockets counted out", () -> http.metric("herald_tcp_connections", "") < PER_ADDRESS);
    }
  }

  // ---- issue 32.3: answers cost what they return ----

  @Test
  @DisplayName("attack: history requests worth a few bytes each may not buy megabytes: past bridge.answerBytesPerSecond a request is answered rate_limited")
  void historyAmplification() throws Exception {
    String page = "\"" + "a".repeat(8_000) + "\"";
    for (int i = 0; i < 8; i++) {
      assertEquals(201, http.service("POST", "/api/v1/channels/amp.room/messages", "{\"data\":" + page + "}").statusCode());
    }
    try (WsClient c = nodes.connect(nodes.a(), "amplifier", Rights.read("amp.*"))) {
      long received = 0;
      int refused = 0;
      for (int i = 0; i < 30; i++) { // 30 x 64 KB asked for, within the frame burst
        JsonObject r = c.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "amp.room").put("since", 0));
        if ("err".equals(r.getString("type"))) {
          assertEquals(ErrorCode.RATE_LIMITED.code, r.getInteger("failureCode"), r.encode());
          assertTrue(r.getString("message").contains("answers are limited"), r.encode());
          refused++;
        } else {
          received += r.encode().length();
        }
      }
      assertTrue(refused > 0, "every history request answered: " + received + " bytes");
      // a burst of four seconds' worth, one page past it, and what the rate paid back meanwhile
      assertTrue(received < 4L * ANSWER_BYTES + 80_000 + 10L * ANSWER_BYTES, received + " bytes answered");
    }
  }

  // ---- issue 32.4: per-caller API buckets are dropped when idle ----

  @Test
  @DisplayName("attack: 300 users calling the HTTP API once leave no rate-limit bucket behind once idle")
  void apiBucketsExpire() throws Exception {
    for (int i = 0; i < 300; i++) {
      String token = Rights.read("poll.*").token("poller-" + i);
      assertEquals(200, http.call("GET", "/api/v1/channels/poll.room/messages", null, "Authorization", "Bearer " + token).statusCode());
    }
    assertTrue(http.metric("herald_api_rate_buckets", "") >= 300, "the buckets were not counted");
    Eventually.eventually(Duration.ofSeconds(40), "idle buckets dropped", () -> http.metric("herald_api_rate_buckets", "") < 10);
  }

  // ---- issue 32.5: live and history agree ----

  @Test
  @DisplayName("attack: a lone surrogate or 1e999999 in data is refused at the edge (bridge and API), so nothing is delivered that history would keep otherwise")
  void onlyDataThatWritesBackTheSame() throws Exception {
    for (String data : List.of("\"a\\uD800b\"", "1e999999", "{\"k\\uDC00\":1}")) {
      HttpResponse<String> r = http.service("POST", "/api/v1/channels/text.room/messages", "{\"data\":" + data + "}");
      assertEquals(400, r.statusCode(), data + ": " + r.body());
    }
    try (WsClient c = nodes.connect(nodes.a(), "surrogate", Rights.none().publish("text.*"))) {
      c.sendRaw("{\"type\":\"send\",\"address\":\"rt.channel.publish\",\"replyAddress\":\"p1\",\"body\":{\"channel\":\"text.room\",\"data\":\"a\\uD800b\"}}");
      JsonObject err = c.await(f -> "p1".equals(f.getString("address")));
      assertEquals(ErrorCode.BAD_REQUEST.code, err.getInteger("failureCode"), err.encode());
      c.sendRaw("{\"type\":\"send\",\"address\":\"rt.channel.publish\",\"replyAddress\":\"p2\",\"body\":{\"channel\":\"text.room\",\"data\":1e999999}}");
      assertEquals(ErrorCode.BAD_REQUEST.code, c.await(f -> "p2".equals(f.getString("address"))).getInteger("failureCode"));
      // an emoji (a surrogate pair) is text: stored and read back as sent
      c.sendRaw("{\"type\":\"send\",\"address\":\"rt.channel.publish\",\"replyAddress\":\"p3\",\"body\":{\"channel\":\"text.room\",\"data\":\"a\\uD83D\\uDE00b\"}}");
      assertNotEquals("err", c.await(f -> "p3".equals(f.getString("address"))).getString("type"));
    }
    JsonArray kept = new JsonObject(http.service("GET", "/api/v1/channels/text.room/messages", null).body()).getJsonArray("messages");
    assertEquals(1, kept.size(), kept.encode());
    assertEquals("a\uD83D\uDE00b", kept.getJsonObject(0).getString("data"));
  }

  // ---- issue 32.6: the SockJS pages ----

  @Test
  @DisplayName("SockJS serves only bridge.transports (websocket, xhr by default), its iframe page loads SockJS from the node, /info names the allowed origins, and no page can be framed by another site")
  void sockJsPages() throws Exception {
    String session = NodeHttp.newSession();
    String token = "?token=" + hs256(claims("pages"));
    for (String off : List.of("jsonp?c=x", "htmlfile?c=x", "eventsource")) {
      assertEquals(404, http.call("GET", session + off + (off.contains("?") ? "&" : "?") + token.substring(1), null).statusCode(), off);
    }
    HttpResponse<String> iframe = http.call("GET", "/eventbus/iframe.html" + token, null);
    assertEquals(200, iframe.statusCode());
    assertTrue(iframe.body().contains("src=\"/vendor/sockjs.min.js\""), iframe.body());
    assertFalse(iframe.body().contains("cdn"), iframe.body());
    assertEquals("frame-ancestors 'self' " + ORIGIN, iframe.headers().firstValue("Content-Security-Policy").orElse(""));
    assertEquals(200, http.call("GET", "/vendor/sockjs.min.js", null).statusCode());

    JsonObject info = new JsonObject(http.call("GET", "/eventbus/info" + token, null, "Origin", ORIGIN).body());
    assertEquals(new JsonArray().add(ORIGIN), info.getJsonArray("origins"));
    assertTrue(info.getBoolean("websocket"));
    assertEquals(403, http.call("GET", "/eventbus/info" + token, null, "Origin", "http://evil.example").statusCode());

    for (String page : List.of("/", "/health", "/eventbus/info" + token)) {
      HttpResponse<String> r = http.call("GET", page, null);
      assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""), page);
      assertEquals("frame-ancestors 'none'", r.headers().firstValue("Content-Security-Policy").orElse(""), page);
    }
  }
}
