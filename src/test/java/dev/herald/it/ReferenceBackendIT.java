package dev.herald.it;

import dev.herald.node.Node;
import dev.herald.protocol.Addresses;
import io.vertx.core.Vertx;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference backend (examples/backend, its own jar and process) in front of a real node:
 * a user logs in to the backend, connects to Herald with the backend's cookie and no token, is let
 * into a room only after joining it on the backend, has a banned word refused, and calls the
 * backend over the connection; and the demo page's Rooms card, in Chromium, doing the same with a
 * dev token.
 */
class ReferenceBackendIT {

  static final String SECRET = "reference-proxy-secret-0123456789-abcdef";
  static final Path JAR = JarProcessIT.ROOT.resolve("examples/backend/target/herald-example-backend.jar");

  private static Process backend;
  private static int backendPort;
  private static TestNodes nodes;
  private static Node node;
  private static Vertx client;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    assertTrue(Files.isRegularFile(JAR), "build the reference backend first (scripts/test.sh does)");
    backendPort = TestNodes.freePort();
    backend = new ProcessBuilder("java", "-jar", JAR.toString(), String.valueOf(backendPort), "reference-backend-test-secret-0123456789", SECRET)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    Eventually.eventually(Duration.ofSeconds(30), "the backend listens", () -> {
      try {
        return post("/rooms/warmup/join", "{\"user\":\"nobody\"}").statusCode() == 200;
      } catch (java.io.IOException notYet) {
        return false;
      }
    });
    String base = "http://127.0.0.1:" + backendPort + "/herald/";
    // the demo page (dev tokens) is served from the node's own origin, the cookie path from the app's
    int port = TestNodes.freePort();
    nodes = TestNodes.single(new JsonObject().put("proxy", new JsonObject()
        .put("connect", new JsonObject().put("url", base + "connect").put("headers", new JsonArray().add("Cookie")))
        .put("subscribe", new JsonObject().put("url", base + "subscribe").put("channels", new JsonArray().add("room.*")))
        .put("publish", new JsonObject().put("url", base + "publish").put("channels", new JsonArray().add("room.*")))
        .put("rpc", new JsonObject().put("url", base + "rpc")).put("secret", SECRET))
        .put("auth", new JsonObject().put("devTokens", true))
        .put("http", new JsonObject().put("port", port).put("allowedOrigins", new JsonArray().add("https://app.example").add("http://127.0.0.1:" + port))));
    nodes.beforeAll(null);
    node = nodes.a();
    client = nodes.client();
  }

  @AfterAll
  static void stop() throws Exception {
    if (nodes != null) {
      nodes.afterAll(null);
    }
    if (backend != null) {
      backend.destroy();
      backend.waitFor(10, TimeUnit.SECONDS);
    }
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + backendPort + path)).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("log in to the backend, connect with its cookie, join a room there, talk in it; a banned word and a room not joined are refused")
  void endToEnd() throws Exception {
    HttpResponse<String> login = post("/login", "{\"user\":\"ada\"}");
    String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    try (WsClient ada = WsClient.get(WsClient.connectWithHeaders(client, node.config().http().port(), Map.of("Cookie", cookie)))) {
      ada.subscribe(Addresses.channel("lobby.main"));
      ada.register(Addresses.channel("room.tea"));
      JsonObject notYet = ada.await(f -> "err".equals(f.getString("type")));
      assertEquals("ada is not a member of room.tea", notYet.getString("message"), notYet::encode);
      assertEquals(200, post("/rooms/tea/join", "{\"user\":\"ada\"}").statusCode());
      ada.subscribe(Addresses.channel("room.tea"));
      JsonObject ack = ada.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "room.tea").put("data", new JsonObject().put("text", "hi")));
      assertEquals("rec", ack.getString("type"), ack::encode);
      JsonObject m = ada.awaitOn(Addresses.channel("room.tea")).getJsonObject("body");
      assertEquals("hi", m.getJsonObject("data").getString("text"));
      assertTrue(m.getJsonObject("data").containsKey("checkedAt"), "the backend stamped it: " + m.encode());
      JsonObject spam = ada.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "room.tea").put("data", new JsonObject().put("text", "buy SPAM")));
      assertEquals(4000, spam.getInteger("failureCode"), spam::encode);
      JsonObject rooms = ada.request(Addresses.RPC, new JsonObject().put("method", "rooms"));
      assertEquals(new JsonArray().add("tea"), rooms.getJsonObject("body").getJsonArray("rooms"), rooms::encode);
    }
    // the proxy endpoints refuse a caller that is not Herald (no signature)
    assertEquals(401, post("/herald/rpc", "{\"user\":\"ada\",\"method\":\"rooms\"}").statusCode());
    // without the cookie: refused with the backend's reason
    var refused = WsClient.connectWithHeaders(client, node.config().http().port(), Map.of("Cookie", "herald_example_session=ada.forged"))
        .toCompletionStage().toCompletableFuture();
    try {
      refused.get(10, TimeUnit.SECONDS).close();
      throw new AssertionError("a forged cookie connected");
    } catch (java.util.concurrent.ExecutionException e) {
      io.vertx.core.http.UpgradeRejectedException r = (io.vertx.core.http.UpgradeRejectedException) e.getCause();
      assertEquals(401, r.getStatus(), "the backend's 4010 is unauthorized: " + r.getBody());
      assertEquals(4010, new JsonObject(r.getBody()).getInteger("code"));
      assertTrue(r.getBody().toString().contains("not logged in"), r.getBody().toString());
    }
  }

  @Test
  @DisplayName("the demo page in Chromium: its Rooms card joins a room the backend decides (not the invite-only one), shows the topic the subscribe "
      + "proxy handed over, and talks through the publish proxy (a banned word refused with the backend's reason)")
  void demoRooms() throws Exception {
    Process js = new ProcessBuilder("node", JarProcessIT.ROOT.resolve("src/test/js/demo-rooms.js").toString(), "http://127.0.0.1:" + node.config().http().port())
        .redirectErrorStream(true).start();
    String out = new String(js.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(js.waitFor(120, TimeUnit.SECONDS), out);
    assertEquals(0, js.exitValue(), out);
    assertTrue(out.contains("PASS"), out);
  }
}
