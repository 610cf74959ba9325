package dev.herald.it;

import dev.herald.protocol.Addresses;
import dev.herald.token.Rights;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.herald.token.TestTokens.hs256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backend in the loop (docs/protocol.md, "Backend proxies"), against a real HTTP backend in
 * this JVM whose answer each test chooses: a connect with a cookie and no token, granted and
 * refused; a backend that is down, slow, answers 500, garbage or too much (each a clear 503 within
 * the timeout, never a hang, and recovery by itself once it answers again); a subscription the
 * token does not grant, granted or refused; a publish the backend changes or refuses (nothing
 * stored then); an RPC round trip.
 */
class BackendProxyIT {

  enum Mode { OK, REFUSE, SLOW, ERROR_500, GARBAGE, HUGE }

  static final int TIMEOUT_MS = 600;
  static final String PROXY_SECRET = "proxy-test-secret-0123456789-abcdefghij";
  static Vertx backendVertx;
  static HttpServer backend;
  static int backendPort;
  static final Map<String, Mode> modes = new ConcurrentHashMap<>();
  static final List<JsonObject> asked = new CopyOnWriteArrayList<>();

  static TestNodes nodes;

  static JsonObject proxy(String path) {
    return new JsonObject().put("url", "http://127.0.0.1:" + backendPort + path).put("timeoutMs", TIMEOUT_MS);
  }

  @BeforeAll
  static void start() throws Exception {
    backendVertx = Vertx.vertx();
    backendPort = TestNodes.freePort();
    startBackend();
    JsonObject overrides = new JsonObject().put("proxy", new JsonObject()
        .put("connect", proxy("/connect").put("headers", new JsonArray().add("Cookie")))
        .put("subscribe", proxy("/subscribe").put("channels", new JsonArray().add("room.*")))
        .put("publish", proxy("/publish").put("channels", new JsonArray().add("chat.*")))
        .put("rpc", proxy("/rpc"))
        .put("refresh", proxy("/refresh"))
        .put("maxFailures", 3).put("resetTimeoutMs", 1000).put("maxAnswerBytes", 4096).put("maxDataBytes", 512).put("secret", PROXY_SECRET))
        // vip: the backend decides every subscription and every client publish, whatever the token says
        .put("namespaces", new JsonObject().put("vip", new JsonObject().put("proxies", new JsonArray().add("subscribe").add("publish"))))
        // each refused connect counts against the address as a bad token would: room for the tests
        .put("http", new JsonObject().put("authFailuresPerSecondPerIp", 1000)
            // a connect proxy passing cookies needs named origins (a page elsewhere could connect as the user)
            .put("allowedOrigins", new JsonArray().add("https://app.example")));
    nodes = TestNodes.single(overrides);
    nodes.beforeAll(null);
  }

  static void startBackend() {
    backend = backendVertx.createHttpServer().requestHandler(BackendProxyIT::answer);
    backend.listen(backendPort, "127.0.0.1").await();
  }

  @AfterAll
  static void stop() throws Exception {
    if (nodes != null) {
      nodes.afterAll(null);
    }
    backendVertx.close().await();
  }

  @BeforeEach
  void reset() {
    modes.clear();
    asked.clear();
  }

  /** The backend: what each proxy's mode says, for the request it got. */
  static void answer(HttpServerRequest req) {
    req.body().onSuccess(b -> {
      JsonObject in = b.toJsonObject();
      asked.add(in.copy().put("path", req.path()).put("proxyHeader", req.getHeader("X-Herald-Proxy"))
          .put("signed", dev.herald.protocol.WebhookEvents.sign(PROXY_SECRET, b.getBytes()).equals(req.getHeader("X-Herald-Signature"))));
      Mode mode = modes.getOrDefault(req.path(), Mode.OK);
      switch (mode) {
        case SLOW -> { } // never answers
        case ERROR_500 -> req.response().setStatusCode(500).end("{\"result\":{}}");
        case GARBAGE -> req.response().end("<html>not json</html>");
        case HUGE -> req.response().end(new JsonObject().put("result", new JsonObject().put("pad", "x".repeat(10_000))).encode());
        case REFUSE -> req.response().end(new JsonObject().put("error", new JsonObject().put("code", 4403).put("message", "not for you\u0007")).encode());
        case OK -> req.response().end(ok(req.path(), in).encode());
      }
    });
  }

  static JsonObject ok(String path, JsonObject in) {
    return switch (path) {
      case "/connect" -> {
        String cookie = in.getJsonObject("headers").getString("cookie", "");
        String user = cookie.startsWith("session=") ? cookie.substring(8) : "nobody";
        JsonObject grant = new JsonObject().put("user", user).put("channels", new JsonArray().add("news.*"))
            .put("subscribe", new JsonArray().add("server.pushed"));
        if (user.equals("ann")) {
          grant.put("data", new JsonObject().put("plan", "gold"));
        } else if (user.equals("bigdata")) {
          grant.put("data", "x".repeat(1000)); // over proxy.maxDataBytes (512), within the answer's bound
        }
        if (user.startsWith("brief")) {
          grant.put("expireAt", dev.herald.token.TestTokens.now() + 2); // within the expiry notice: refreshed at once
        }
        yield new JsonObject().put("result", grant);
      }
      case "/refresh" -> {
        yield in.getString("user").equals("brief-ok")
            ? new JsonObject().put("result", new JsonObject().put("expireAt", in.getLong("expireAt") + 3600))
            : new JsonObject().put("error", new JsonObject().put("code", 4010).put("message", "session over"));
      }
      case "/subscribe" -> in.getString("user").equals("bob")
          ? new JsonObject().put("result", new JsonObject().put("data", new JsonObject().put("welcome", in.getString("channel"))))
          : new JsonObject().put("error", new JsonObject().put("code", 4031).put("message", in.getString("user") + " may not read " + in.getString("channel")));
      case "/publish" -> "stop".equals(in.getJsonObject("data").getString("text"))
          ? new JsonObject().put("error", new JsonObject().put("code", 4000).put("message", "that word is not allowed"))
          : new JsonObject().put("result", new JsonObject().put("data", in.getJsonObject("data").copy()
              .put("text", in.getJsonObject("data").getString("text").toUpperCase(java.util.Locale.ROOT)).put("checkedBy", "backend")));
      case "/rpc" -> new JsonObject().put("result", new JsonObject().put("data",
          in.getJsonArray("data").stream().mapToInt(o -> (Integer) o).sum()).put("method", in.getString("method")).put("user", in.getString("user")));
      default -> new JsonObject().put("error", new JsonObject().put("code", 4040).put("message", "no such path"));
    };
  }

  static WsClient withCookie(String cookie) {
    try {
      return WsClient.get(WsClient.connectWithHeaders(nodes.client(), nodes.port(), Map.of("Cookie", cookie)));
    } catch (UpgradeRejectedException e) {
      throw new IllegalStateException("refused " + e.getStatus() + ": " + e.getBody(), e);
    }
  }

  /** The handshake's refusal: its HTTP status and JSON body. */
  static UpgradeRejectedException refusedConnect(String cookie) throws Exception {
    try {
      WsClient.connectWithHeaders(nodes.client(), nodes.port(), Map.of("Cookie", cookie)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).close();
    } catch (ExecutionException e) {
      return assertInstanceOf(UpgradeRejectedException.class, e.getCause());
    }
    throw new AssertionError("the connect was accepted");
  }

  @Test
  @DisplayName("connect: a cookie and no token; the backend names the user and the channels, and is told the cookie and the client's address")
  void connectGranted() throws Exception {
    try (WsClient ann = withCookie("session=ann")) {
      ann.subscribe(Addresses.channel("news.1"));
      JsonObject denied = ann.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "other.1").put("since", 0));
      assertEquals(4030, denied.getInteger("failureCode"), "only what the backend granted: " + denied.encode());
      assertEquals(201, sendAsService("server.pushed"));
      assertEquals("vip", ann.awaitOn(Addresses.channel("server.pushed")).getJsonObject("body").getJsonObject("data").getString("who"),
          "the backend's subscribe list: delivered with no register");
      JsonObject session = ann.request(Addresses.SESSION, new JsonObject()).getJsonObject("body");
      assertEquals("ann", session.getString("user"), session::encode);
      assertTrue(session.getBoolean("proxied"), session::encode);
      assertEquals("gold", session.getJsonObject("data").getString("plan"), "the connect answer's data, handed to the client: " + session.encode());
      assertEquals(List.of("server.pushed"), session.getJsonArray("subscribed").getList(), session::encode);
      JsonObject presence = ann.request(Addresses.PRESENCE_GET, new JsonObject().put("users", new JsonArray().add("ann")));
      assertEquals("online", presence.getJsonObject("body").getJsonObject("users").getJsonObject("ann").getString("status"), "the backend's user is who is online");
    }
    JsonObject call = asked.stream().filter(a -> a.getString("path").equals("/connect")).findFirst().orElseThrow();
    assertEquals("session=ann", call.getJsonObject("headers").getString("cookie"));
    assertEquals("127.0.0.1", call.getJsonObject("client").getString("remoteAddress"));
    assertEquals("websocket-raw", call.getJsonObject("client").getString("transport"));
    assertEquals("connect", call.getString("proxyHeader"));
    assertTrue(call.getBoolean("signed"), "each call carries the HMAC of its body with proxy.secret");
  }

  @Test
  @DisplayName("connect: data over proxy.maxDataBytes is the backend failing (503, the reason named); a token connection's session has no data")
  void connectDataBounded() throws Exception {
    UpgradeRejectedException e = refusedConnect("session=bigdata");
    assertEquals(503, e.getStatus());
    assertTrue(new JsonObject(e.getBody()).getString("message").contains("proxy.maxDataBytes"), e.getBody().toString());
    try (WsClient dan = nodes.connect(nodes.a(), "dan")) {
      JsonObject session = dan.request(Addresses.SESSION, new JsonObject()).getJsonObject("body");
      assertEquals("dan", session.getString("user"));
      assertEquals(false, session.getBoolean("proxied"));
      assertTrue(!session.containsKey("data") && session.getJsonObject("channelData").isEmpty(), session::encode);
    }
  }

  @Test
  @DisplayName("a namespace listing the proxies: even a token allowing every channel asks the backend for each subscription and publish there")
  void namespaceProxies() throws Exception {
    try (WsClient bob = nodes.connect(nodes.a(), "bob", Rights.all());
         WsClient eve = nodes.connect(nodes.a(), "eve", Rights.all())) {
      eve.register(Addresses.channel("vip:lounge"));
      JsonObject refused = eve.await(f -> "err".equals(f.getString("type")));
      assertEquals(4031, refused.getInteger("failureCode"), "the backend said no, whatever the token allows: " + refused.encode());
      for (String read : List.of(Addresses.CHANNEL_HISTORY, Addresses.CHANNEL_MEMBERS)) {
        JsonObject notGranted = eve.request(read, new JsonObject().put("channel", "vip:lounge").put("since", 0));
        assertEquals(4030, notGranted.getInteger("failureCode"), "nor its " + read + " without the grant: " + notGranted.encode());
      }
      bob.subscribe(Addresses.channel("vip:lounge"));
      JsonObject ack = bob.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "vip:lounge").put("data", new JsonObject().put("text", "hi")));
      assertEquals("rec", ack.getString("type"), ack::encode);
      assertEquals("HI", bob.awaitOn(Addresses.channel("vip:lounge")).getJsonObject("body").getJsonObject("data").getString("text"),
          "the publish went through the backend");
      JsonObject hall = bob.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "hall:1").put("data", new JsonObject().put("text", "hi")));
      assertEquals("rec", hall.getString("type"), hall::encode);
    }
    assertTrue(asked.stream().anyMatch(a -> a.getString("path").equals("/subscribe") && a.getString("user").equals("eve") && a.getString("channel").equals("vip:lounge")));
    assertTrue(asked.stream().noneMatch(a -> a.getString("path").equals("/publish") && "hall:1".equals(a.getString("channel"))),
        "outside the namespace and the proxy's channels the token alone decides");
  }

  @Test
  @DisplayName("connect refused: the backend's code and message reach the client (403, control characters dropped)")
  void connectRefused() throws Exception {
    modes.put("/connect", Mode.REFUSE);
    UpgradeRejectedException e = refusedConnect("session=mallory");
    assertEquals(403, e.getStatus());
    JsonObject body = new JsonObject(e.getBody());
    assertEquals(4403, body.getInteger("code"), body::encode);
    assertEquals("not for you ", body.getString("message"), body::encode);
  }

  @Test
  @DisplayName("a backend down, slow, failing, answering garbage or too much: 503 with Retry-After within the timeout, never a hang; back by itself once it answers")
  void backendFailing() throws Exception {
    WsClient watcher = nodes.connect(nodes.a(), "notice-watcher");
    watcher.subscribe(Addresses.CLIENT_NOTICES);
    for (Mode mode : List.of(Mode.SLOW, Mode.ERROR_500, Mode.GARBAGE, Mode.HUGE)) {
      modes.put("/connect", mode);
      long t0 = System.nanoTime();
      UpgradeRejectedException e = refusedConnect("session=ann");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(503, e.getStatus(), mode + ": " + e.getBody().toString());
      assertTrue(ms < TIMEOUT_MS + 2000, mode + " answered in " + ms + " ms");
      assertEquals(5030, new JsonObject(e.getBody()).getInteger("code"), mode + ": " + e.getBody());
    }
    // the circuit is open now (3 failures in a row): connected clients are told, and so is one that connects meanwhile
    JsonObject degraded = watcher.await(f -> Addresses.CLIENT_NOTICES.equals(f.getString("address"))).getJsonObject("body");
    assertEquals("degraded", degraded.getString("type"), degraded::encode);
    assertEquals("proxy connect", degraded.getString("what"));
    assertEquals("open", degraded.getString("state"));
    try (WsClient late = nodes.connect(nodes.a(), "notice-late")) {
      JsonObject greeted = late.await(f -> Addresses.CLIENT_NOTICES.equals(f.getString("address"))).getJsonObject("body");
      assertEquals("proxy connect", greeted.getString("what"), "what is degraded, at once on connect: " + greeted.encode());
      assertEquals(degraded.getLong("since"), greeted.getLong("since"));
    }
    // a down backend is refused at once
    backend.close().await();
    UpgradeRejectedException down = refusedConnect("session=ann");
    assertEquals(503, down.getStatus());
    assertTrue(new JsonObject(down.getBody()).getString("message").contains("backend"), down.getBody().toString());
    // back: the first probe after proxy.resetTimeoutMs closes the circuit
    startBackend();
    modes.clear();
    long back = System.nanoTime();
    Eventually.eventually(Duration.ofSeconds(15), "connects work again once the backend answers", () -> {
      try {
        withCookie("session=ann").close();
        return true;
      } catch (RuntimeException notYet) {
        return false;
      }
    });
    System.out.println("proxy recovered " + (System.nanoTime() - back) / 1_000_000 + " ms after the backend came back");
    JsonObject recovered = watcher.await(f -> Addresses.CLIENT_NOTICES.equals(f.getString("address"))
        && "recovered".equals(f.getJsonObject("body").getString("type"))).getJsonObject("body");
    assertEquals("proxy connect", recovered.getString("what"), recovered::encode);
    assertEquals(degraded.getLong("since"), recovered.getLong("since"), "the notice says since when it was degraded");
    watcher.close();
    NodeHttp http = nodes.http();
    for (String outcome : List.of("timeout", "failed", "open", "ok")) {
      assertTrue(http.metric("herald_proxy_calls_total", "outcome=\"" + outcome + "\",proxy=\"connect\"") > 0, "outcome " + outcome + " counted");
    }
  }

  @Test
  @DisplayName("subscribe: a channel the token does not grant is asked of the backend; bob is let in and receives, eve gets the backend's refusal")
  void subscribeProxy() throws Exception {
    try (WsClient bob = nodes.connect(nodes.a(), "bob");
         WsClient eve = nodes.connect(nodes.a(), "eve")) {
      bob.subscribe(Addresses.channel("room.secret"));
      JsonObject history = bob.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "room.secret").put("since", 0));
      assertEquals("rec", history.getString("type"), "a granted channel's history may be read too: " + history.encode());
      eve.register(Addresses.channel("room.secret"));
      JsonObject refused = eve.await(f -> "err".equals(f.getString("type")));
      assertEquals(4031, refused.getInteger("failureCode"), refused::encode);
      assertEquals("eve may not read room.secret", refused.getString("message"));
      assertEquals(201, nodes.http().service("POST", "/api/v1/channels/room.secret/messages", "{\"data\":{\"n\":1}}").statusCode());
      assertEquals(1, bob.awaitOn(Addresses.channel("room.secret")).getJsonObject("body").getJsonObject("data").getInteger("n"));
      JsonObject session = bob.request(Addresses.SESSION, new JsonObject()).getJsonObject("body");
      assertEquals("room.secret", session.getJsonObject("channelData").getJsonObject("room.secret").getString("welcome"),
          "the subscribe answer's data, for the subscriber: " + session.encode());
      JsonObject notProxied = bob.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "hall.1").put("since", 0));
      assertEquals(4030, notProxied.getInteger("failureCode"), "outside the proxy's channels the token alone decides");
    }
  }

  @Test
  @DisplayName("publish: the backend sees every publish to chat.*, changes one (stored and delivered changed) and refuses another (nothing stored)")
  void publishProxy() throws Exception {
    try (WsClient ann = nodes.connect(nodes.a(), "ann", Rights.read("chat.*"))) {
      ann.subscribe(Addresses.channel("chat.1"));
      JsonObject ack = ann.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "chat.1").put("data", new JsonObject().put("text", "hello")));
      assertEquals("rec", ack.getString("type"), "no publish claim needed where the backend decides: " + ack.encode());
      JsonObject m = ann.awaitOn(Addresses.channel("chat.1")).getJsonObject("body");
      assertEquals("HELLO", m.getJsonObject("data").getString("text"));
      assertEquals("backend", m.getJsonObject("data").getString("checkedBy"));
      assertEquals("ann", m.getString("from"));
      JsonObject refused = ann.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "chat.1").put("data", new JsonObject().put("text", "stop")));
      assertEquals(4000, refused.getInteger("failureCode"), refused::encode);
      assertEquals("that word is not allowed", refused.getString("message"));
      JsonObject history = ann.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "chat.1").put("since", 0)).getJsonObject("body");
      assertEquals(1, history.getJsonArray("messages").size(), "the refused publish was not stored: " + history.encode());
      modes.put("/publish", Mode.SLOW);
      JsonObject slow = ann.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "chat.1").put("data", new JsonObject().put("text", "late")));
      assertEquals(5030, slow.getInteger("failureCode"), slow::encode);
    }
    assertTrue(asked.stream().anyMatch(a -> a.getString("path").equals("/publish") && a.getString("user").equals("ann")));
  }

  @Test
  @DisplayName("rpc: {method, data} over the connection, the backend's result as the reply; a bad call is 400, not sent")
  void rpc() {
    try (WsClient ann = nodes.connect(nodes.a(), "ann")) {
      JsonObject reply = ann.request(Addresses.RPC, new JsonObject().put("method", "sum").put("data", new JsonArray().add(1).add(2).add(3)));
      assertEquals("rec", reply.getString("type"), reply::encode);
      assertEquals(6, reply.getJsonObject("body").getInteger("data"));
      assertEquals("ann", reply.getJsonObject("body").getString("user"), "the backend is told who calls");
      JsonObject bad = ann.request(Addresses.RPC, new JsonObject().put("method", "no spaces"));
      assertEquals(4000, bad.getInteger("failureCode"), bad::encode);
    }
  }

  @Test
  @DisplayName("a subscription token grants one channel to one user: the right one lets in, another user's, another channel's or a forged one is refused")
  void subscriptionToken() {
    String forCarol = hs256(new JsonObject().put("sub", "carol").put("channel", "vip.lounge").put("exp", dev.herald.token.TestTokens.now() + 60));
    try (WsClient carol = nodes.connect(nodes.a(), "carol");
         WsClient dave = nodes.connect(nodes.a(), "dave")) {
      carol.send(new JsonObject().put("type", "register").put("address", Addresses.channel("vip.lounge"))
          .put("headers", new JsonObject().put("subscriptionToken", forCarol)));
      carol.sync();
      assertTrue(carol.pending().stream().noneMatch(f -> "err".equals(f.getString("type"))), () -> "carol's token lets her in: " + carol.pending());
      JsonObject history = carol.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "vip.lounge").put("since", 0));
      assertEquals("rec", history.getString("type"), history::encode);
      for (JsonObject attempt : List.of(
          new JsonObject().put("address", Addresses.channel("vip.lounge")).put("token", forCarol),
          new JsonObject().put("address", Addresses.channel("vip.other")).put("token", forCarol),
          new JsonObject().put("address", Addresses.channel("vip.lounge")).put("token",
              dev.herald.token.TestTokens.hs256("another-secret-another-secret-0123456789", new JsonObject().put("sub", "dave")
                  .put("channel", "vip.lounge").put("exp", dev.herald.token.TestTokens.now() + 60))))) {
        dave.send(new JsonObject().put("type", "register").put("address", attempt.getString("address"))
            .put("headers", new JsonObject().put("subscriptionToken", attempt.getString("token"))));
        JsonObject refused = dave.await(f -> "err".equals(f.getString("type")));
        assertTrue(refused.getInteger("failureCode") == 4030 || refused.getInteger("failureCode") == 4010, refused::encode);
      }
      assertEquals(201, sendAsService("vip.lounge"));
      // a subscription token opens no connection (it would be a token with no limits on watching)
      UpgradeRejectedException asConnection = org.junit.jupiter.api.Assertions.assertThrows(UpgradeRejectedException.class,
          () -> nodes.connectWithToken(nodes.a(), forCarol).close());
      assertEquals(401, asConnection.getStatus(), () -> asConnection.getBody().toString());
      assertEquals("vip", carol.awaitOn(Addresses.channel("vip.lounge")).getJsonObject("body").getJsonObject("data").getString("who"));
    }
  }

  private static int sendAsService(String channel) {
    try {
      return nodes.http().service("POST", "/api/v1/channels/" + channel + "/messages", "{\"data\":{\"who\":\"vip\"}}").statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("refresh: a proxied connection about to end is extended by the backend, or ends at its expireAt when the backend says no")
  void refreshProxy() throws Exception {
    try (WsClient kept = withCookie("session=brief-ok"); WsClient ended = withCookie("session=brief-no")) {
      Eventually.eventually(Duration.ofSeconds(10), "both asked", () -> asked.stream().filter(a -> a.getString("path").equals("/refresh")).count() >= 2);
      // the refused one closes at its expireAt, as an expired token would
      assertEquals(dev.herald.protocol.CloseCode.TOKEN_EXPIRED.code, ended.awaitClosed());
      // by then the kept one is past its first expireAt too, and answers
      JsonObject alive = kept.request(Addresses.PRESENCE_GET, new JsonObject().put("users", new JsonArray().add("brief-ok")));
      assertEquals("online", alive.getJsonObject("body").getJsonObject("users").getJsonObject("brief-ok").getString("status"), alive::encode);
      assertTrue(!kept.isClosed());
    }
  }
}
