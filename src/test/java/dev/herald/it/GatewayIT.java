package dev.herald.it;

import dev.herald.protocol.ErrorCode;
import dev.herald.token.Rights;
import dev.herald.token.TestTokens;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.Headers;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static dev.herald.token.TestTokens.claims;
import static dev.herald.token.TestTokens.hs256;
import static dev.herald.token.TestTokens.now;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One real node; clients over the raw WebSocket endpoint; the services played by test consumers. */
class GatewayIT {

  @RegisterExtension
  static final TestNodes nodes = TestNodes.single(new JsonObject()
      .put("http", new JsonObject().put("allowedOrigins", new JsonArray().add("https://app.example")))
      .put("auth", new JsonObject().put("expiryNoticeSeconds", 2))
      .put("heartbeat", new JsonObject().put("timeoutSeconds", 3))
      // the services are played by the echo consumers below
      .put("roles", new JsonObject().put("presence", 0).put("heartbeat", 0).put("broadcast", 0)));
  private static final HttpClient http = HttpClient.newHttpClient();
  /** alice's: rooms room.*, publishes room.*, watches team.*. */
  private static final Rights ALICE = Rights.read("room.*").publish("room.*").watch("team.*");

  private static String alice() {
    return ALICE.token("alice");
  }

  @BeforeAll
  static void start() {
    // stand-ins for the presence and channel services: echo who asked, as the gateway told them
    echo(Addresses.PRESENCE_SET);
    echo(Addresses.CHANNEL_PUBLISH);
  }

  private static MessageConsumer<Object> echo(String address) {
    MessageConsumer<Object> c = nodes.a().vertx().eventBus().consumer(address, m -> m.reply(new JsonObject()
        .put("user", m.headers().get(Headers.USER_ID)).put("conn", m.headers().get(Headers.CONNECTION_ID))
        .put("trace", m.headers().get(Headers.TRACE_ID)).put("body", m.body())));
    WsClient.get(c.completion());
    return c;
  }

  private static int handshake(String token, String origin) {
    Throwable t = WsClient.get(WsClient.connect(nodes.client(), nodes.port(), token, origin, false)
        .transform(ar -> io.vertx.core.Future.succeededFuture(ar.failed() ? ar.cause() : null)));
    if (t == null) {
      return 101;
    }
    return assertInstanceOf(UpgradeRejectedException.class, t).getStatus();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodes.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("the handshake accepts a valid token and refuses every bad one with 401")
  void handshakeTokens() throws Exception {
    assertEquals(101, handshake(alice(), null));
    assertEquals(401, handshake(null, null));
    assertEquals(401, handshake(TestTokens.hs256("wrong-secret-wrong-secret-wrong-secret", claims("alice")), null));
    assertEquals(401, handshake(TestTokens.none(claims("alice")), null));
    assertEquals(401, handshake(hs256(claims("alice").put("exp", now() - 60)), null));
    assertEquals(401, handshake(hs256(claims("alice").put("nbf", now() + 600)), null));
    assertEquals(401, handshake(hs256(new JsonObject().put("exp", now() + 60)), null));
    assertEquals(401, handshake(hs256(new JsonObject().put("sub", "alice")), null));
    // SockJS transports go through the same check
    HttpResponse<String> r = get("/eventbus/info");
    assertEquals(401, r.statusCode());
    assertEquals("unauthorized", new JsonObject(r.body()).getString("error"));
    assertEquals(200, get("/eventbus/info?token=" + alice()).statusCode());
  }

  @Test
  @DisplayName("a browser origin outside the allowlist is refused with 403")
  void origins() {
    assertEquals(101, handshake(alice(), "https://app.example"));
    assertEquals(403, handshake(alice(), "https://evil.example"));
  }

  @Test
  @DisplayName("health, readiness, no dev tokens without dev mode, and JSON 404s")
  void httpEndpoints() throws Exception {
    assertEquals(200, get("/health").statusCode());
    HttpResponse<String> ready = get("/ready");
    assertEquals(200, ready.statusCode());
    assertEquals("ready", new JsonObject(ready.body()).getString("status"));
    HttpResponse<String> dev = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodes.port() + "/dev/token"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"sub\":\"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, dev.statusCode());
    assertEquals("not_found", new JsonObject(dev.body()).getString("error"));
  }

  @Test
  @DisplayName("registered addresses deliver; the wrong user's are refused with 403 on the handler")
  void registerPermissions() {
    try (WsClient a = nodes.connect(nodes.a(), "alice", ALICE)) {
      for (String allowed : List.of("rt.channel.room.1", "rt.members.room.1", "rt.presence.user.team.bob", "rt.user.alice.inbox")) {
        a.subscribe(allowed);
        if (allowed.startsWith(Addresses.PRESENCE_USER_PREFIX)) {
          // presence events all travel on one address; each gateway hands them to the user's watchers
          nodes.a().vertx().eventBus().publish(Addresses.PRESENCE_EVENTS, new JsonObject().put("userId", "team.bob").put("to", allowed));
        } else {
          nodes.a().vertx().eventBus().publish(allowed, new JsonObject().put("to", allowed));
        }
        assertEquals(allowed, a.awaitOn(allowed).getJsonObject("body").getString("to"));
      }
      for (String refused : List.of("rt.channel.secret", "rt.members.secret", "rt.presence.user.bob", "rt.user.bob.inbox")) {
        a.register(refused);
        JsonObject err = a.awaitOn(refused);
        assertEquals("err", err.getString("type"));
        assertEquals(ErrorCode.FORBIDDEN.code, err.getInteger("failureCode"));
        assertTrue(err.getString("message").startsWith("forbidden"), err::encode);
      }
      for (String denied : List.of("herald.auth.verify", "rt.presence.set", "rt.unknown.thing")) {
        a.register(denied);
        JsonObject err = a.awaitOn(denied);
        assertEquals(ErrorCode.ACCESS_DENIED.code, err.getInteger("failureCode"));
        assertTrue(err.getString("message").startsWith("access_denied"), err::encode);
      }
      // a refused registration must not deliver anything: only the allowed channel's message arrives
      nodes.a().vertx().eventBus().publish("rt.channel.secret", "leak");
      nodes.a().vertx().eventBus().publish("rt.channel.room.1", "ok");
      assertEquals("ok", a.awaitOn("rt.channel.room.1").getString("body"));
      a.sync();
      assertTrue(a.pending().isEmpty(), () -> "unexpected frames: " + a.pending());
    }
  }

  @Test
  @DisplayName("requests reach the service as the verified user, whatever headers the client forges")
  void sendsCarryTheVerifiedUser() {
    try (WsClient a = nodes.connect(nodes.a(), "alice", ALICE)) {
      JsonObject r = a.request(Addresses.PRESENCE_SET, new JsonObject().put("status", "busy"),
          new JsonObject().put(Headers.USER_ID, "mallory").put(Headers.TRACE_ID, "trace-123"));
      assertEquals("rec", r.getString("type"));
      assertEquals("alice", r.getJsonObject("body").getString("user"));
      assertEquals("trace-123", r.getJsonObject("body").getString("trace"));
      assertEquals("busy", r.getJsonObject("body").getJsonObject("body").getString("status"));

      JsonObject ok = a.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "room.7").put("data", 1));
      assertEquals("rec", ok.getString("type"));
      JsonObject forbidden = a.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "news").put("data", 1));
      assertEquals(ErrorCode.FORBIDDEN.code, forbidden.getInteger("failureCode"));
      JsonObject bad = a.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("data", 1));
      assertEquals(ErrorCode.BAD_REQUEST.code, bad.getInteger("failureCode"));
      JsonObject internal = a.request(Addresses.PRESENCE_CONNECT, new JsonObject().put("nodeId", "x"));
      assertEquals(ErrorCode.ACCESS_DENIED.code, internal.getInteger("failureCode"));
      // a listed address whose service no node runs answers 503, not silence
      JsonObject unavailable = a.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "room.1").put("since", 0));
      assertEquals(ErrorCode.UNAVAILABLE.code, unavailable.getInteger("failureCode"));
      // clients never publish
      a.send(new JsonObject().put("type", "publish").put("address", "rt.channel.room.1").put("body", "x"));
      assertEquals(ErrorCode.ACCESS_DENIED.code, a.awaitOn("rt.channel.room.1").getInteger("failureCode"));
    }
  }

  @Test
  @DisplayName("bad frames get err frames, a 1 MB frame closes the socket, and the node keeps serving others")
  void badFrames() {
    try (WsClient a = nodes.connect(nodes.a(), "alice", ALICE)) {
      a.sendRaw("this is not json");
      assertEquals("invalid_json", a.await(f -> f.containsKey("body")).getString("body"));
      a.sendRaw("{\"address\":\"rt.presence.set\"}");
      assertEquals("missing_type", a.await(f -> f.containsKey("body")).getString("body"));
      a.sendRaw("{\"type\":\"send\"}");
      assertEquals("missing_address", a.await(f -> f.containsKey("body")).getString("body"));
      a.sendRaw("{\"type\":\"dance\",\"address\":\"x\"}");
      assertEquals("invalid_type", a.await(f -> f.containsKey("body")).getString("body"));
      a.send(new JsonObject().put("type", "send").put("address", "rt.presence.set").put("body", "x".repeat(100_000)));
      assertEquals("too_large", a.await(f -> f.containsKey("body")).getString("body"));
      a.register("rt.channel." + "x".repeat(300));
      assertEquals("too_large", a.await(f -> f.containsKey("body")).getString("body"));
      a.sync();
    }
    try (WsClient big = nodes.connect(nodes.a(), "alice", ALICE)) {
      big.send(new JsonObject().put("type", "send").put("address", "rt.presence.set").put("body", "x".repeat(1_000_000)));
      // the client splits it into 64 KB WebSocket frames; a single 1 MB frame is cut off by the codec
      assertEquals("too_large", big.await(f -> f.containsKey("body")).getString("body"));
      assertEquals(1009, big.awaitClosed());
    }
    try (WsClient other = nodes.connect(nodes.a(), "alice", ALICE)) {
      other.subscribe("rt.channel.room.1");
      nodes.a().vertx().eventBus().publish("rt.channel.room.1", "still here");
      assertEquals("still here", other.awaitOn("rt.channel.room.1").getString("body"));
    }
  }

  @Test
  @DisplayName("1 100 registrations on one socket stop at the 1 000 limit with 429s, and the socket still works")
  void registrationFlood() {
    try (WsClient a = nodes.connect(nodes.a(), "alice", ALICE)) {
      // 1 100 frames: within the burst of frames a connection may send at once (bridge.commandBurst)
      for (int i = 0; i < 1_100; i++) {
        a.register("rt.channel.room." + i);
      }
      a.sync();
      long refused = a.pending().stream().filter(f -> Integer.valueOf(ErrorCode.RATE_LIMITED.code).equals(f.getInteger("failureCode"))).count();
      assertEquals(100, refused);
      nodes.a().vertx().eventBus().publish("rt.channel.room.999", "last allowed");
      assertEquals("last allowed", a.awaitOn("rt.channel.room.999").getString("body"));
    }
  }

  @Test
  @DisplayName("a token about to expire gets a notice on the inbox, then the socket closes at exp")
  void tokenExpiry() {
    String shortLived = hs256(claims("alice").put("exp", now() + 3));
    try (WsClient a = nodes.connectWithToken(nodes.a(), shortLived)) {
      a.subscribe("rt.user.alice.inbox");
      assertEquals("token_expiring", a.awaitOn("rt.user.alice.inbox").getJsonObject("body").getString("type"));
      assertEquals("token_expired", a.await(f -> f.containsKey("body") && "err".equals(f.getString("type"))).getString("body"));
      assertEquals(4401, a.awaitClosed());
    }
  }

  @Test
  @DisplayName("a connection that refreshes its token outlives the old exp; a token for another user is refused")
  void refresh() {
    String shortLived = hs256(claims("alice").put("exp", now() + 3));
    try (WsClient refreshed = nodes.connectWithToken(nodes.a(), shortLived);
         WsClient witness = nodes.connectWithToken(nodes.a(), shortLived)) {
      JsonObject other = refreshed.request(Addresses.AUTH_REFRESH, new JsonObject().put("token", hs256(claims("bob"))));
      assertEquals(ErrorCode.FORBIDDEN.code, other.getInteger("failureCode"));
      JsonObject bad = refreshed.request(Addresses.AUTH_REFRESH, new JsonObject().put("token", "garbage"));
      assertEquals(ErrorCode.UNAUTHORIZED.code, bad.getInteger("failureCode"));
      long newExp = now() + 3600;
      JsonObject r = refreshed.request(Addresses.AUTH_REFRESH, new JsonObject().put("token", hs256(claims("alice").put("exp", newExp))));
      assertEquals(newExp, r.getJsonObject("body").getLong("exp"));
      assertEquals(4401, witness.awaitClosed());
      refreshed.sync();
      assertTrue(!refreshed.isClosed());
    }
  }

  @Test
  @DisplayName("a connection that stops pinging is closed after the timeout")
  void silentClientIsDropped() {
    WsClient silent = WsClient.get(WsClient.connect(nodes.client(), nodes.port(), alice(), null, false));
    assertEquals(4408, silent.awaitClosed());
    silent.close();
  }

  @Test
  @DisplayName("member events of a user reach a client in version order: a cleanup's leave that arrives after the rejoin it predates is dropped")
  void memberEventsInVersionOrder() {
    try (WsClient a = nodes.connect(nodes.a(), "alice", ALICE)) {
      String address = Addresses.members("room.lobby");
      a.subscribe(address);
      // what a failover does: the reconnect's join (newer) overtakes the janitor's leave (older)
      nodes.a().vertx().eventBus().publish(address, new JsonObject().put("channel", "room.lobby").put("userId", "ann").put("event", "join").put("version", 5001));
      nodes.a().vertx().eventBus().publish(address, new JsonObject().put("channel", "room.lobby").put("userId", "ann").put("event", "leave").put("version", 1002));
      // a later event of another user, from the same sender: everything before it was handled
      nodes.a().vertx().eventBus().publish(address, new JsonObject().put("channel", "room.lobby").put("userId", "bob").put("event", "join").put("version", 1));
      assertEquals("join", a.awaitOn(address).getJsonObject("body").getString("event"));
      JsonObject next = a.awaitOn(address).getJsonObject("body");
      assertEquals("bob", next.getString("userId"), () -> "the stale leave was delivered: " + next.encode());
      assertTrue(a.pending().isEmpty(), () -> "more than expected: " + a.pending());
    }
  }
}
