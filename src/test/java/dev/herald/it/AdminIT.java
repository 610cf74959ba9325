package dev.herald.it;

import dev.herald.protocol.Addresses;
import dev.herald.protocol.ErrorCode;
import dev.herald.token.Rights;
import dev.herald.token.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.herald.token.TestTokens.claims;
import static dev.herald.token.TestTokens.hs256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin console on two nodes: its page and session for service tokens only, its reads on the bridge, and the console itself in Chromium. */
class AdminIT {

  @RegisterExtension
  static final TestNodes nodes = TestNodes.pair(new JsonObject());
  private static final String SERVICE = Rights.service().token("ops");
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private static HttpResponse<String> get(String path, String cookie) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodes.port() + path));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> login(String token) throws Exception {
    return login(nodes.port(), token);
  }

  /** Signs in at a node's {@code /admin/login} with {@code token}, as the form does. */
  static HttpResponse<String> login(int port, String token) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("attack: another site's page posting the login (with the attacker's token) or the logout form is refused 403 and sets no cookie; the console's own page may")
  void formsPostFromTheConsoleOnly() throws Exception {
    String form = "token=" + URLEncoder.encode(SERVICE, StandardCharsets.UTF_8);
    for (String[] h : new String[][] {{"Origin", "http://evil.example"}, {"Sec-Fetch-Site", "cross-site"}}) {
      for (String path : List.of("/admin/login", "/admin/logout")) {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodes.port() + path))
            .header("Content-Type", "application/x-www-form-urlencoded").header(h[0], h[1])
            .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, r.statusCode(), path + " " + h[1] + ": " + r.body());
        assertTrue(r.headers().firstValue("Set-Cookie").isEmpty(), path);
      }
    }
    HttpResponse<String> own = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodes.port() + "/admin/login"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "http://127.0.0.1:" + nodes.port())
        .header("Sec-Fetch-Site", "same-origin").POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(303, own.statusCode(), own.body());
  }

  @Test
  @DisplayName("nothing of the console without a service token: the login form (401), 401 for its files and session; a user token is refused (403)")
  void serviceTokenOnly() throws Exception {
    HttpResponse<String> page = get("/admin", null);
    assertEquals(401, page.statusCode());
    assertTrue(page.body().contains("name=\"token\""), page.body());
    assertFalse(page.body().contains("console.js"), "no console markup before signing in");
    for (String path : List.of("/admin/console.js", "/admin/console.css", "/admin/session")) {
      assertEquals(401, get(path, null).statusCode(), path);
      assertEquals(401, get(path, "herald_admin=not-a-token").statusCode(), path);
    }
    HttpResponse<String> user = login(hs256(claims("mallory")));
    assertEquals(403, user.statusCode());
    assertTrue(user.headers().firstValue("Set-Cookie").isEmpty());
    assertTrue(user.body().contains("role &quot;service&quot;"), user.body());
    assertEquals(401, login("<script>alert(1)</script>").statusCode());
    assertFalse(login("<script>alert(1)</script>").body().contains("<script>alert"), "the reason is escaped");

    HttpResponse<String> ok = login(SERVICE);
    assertEquals(303, ok.statusCode());
    String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
    String attributes = setCookie.toLowerCase(java.util.Locale.ROOT);
    assertTrue(attributes.contains("; httponly") && attributes.contains("; samesite=strict") && attributes.contains("; path=/admin"), setCookie);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    HttpResponse<String> console = get("/admin", cookie);
    assertEquals(200, console.statusCode());
    assertTrue(console.body().contains("console.js"));
    assertTrue(console.headers().firstValue("Content-Security-Policy").orElseThrow().contains("frame-ancestors 'none'"));
    assertEquals(SERVICE, new JsonObject(get("/admin/session", cookie).body()).getString("token"));
  }

  @Test
  @DisplayName("rt.admin.* answer service tokens only: live nodes with their load, users online, channels with last seq and members")
  void bridgeReads() throws Exception {
    try (WsClient admin = nodes.connectWithToken(nodes.a(), SERVICE);
         WsClient user = nodes.connect(nodes.b(), "adm-carol", Rights.read("adm.*").publish("adm.*"))) {
      JsonObject refused = user.request(Addresses.ADMIN_USERS, new JsonObject());
      assertEquals(ErrorCode.FORBIDDEN.code, refused.getInteger("failureCode"), refused.encode());
      user.subscribe(Addresses.channel("adm.hall"));
      user.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "adm.hall").put("data", "hi"));

      Eventually.eventually(Duration.ofSeconds(15), "both nodes in rt.admin.nodes", () ->
          admin.request(Addresses.ADMIN_NODES, new JsonObject()).getJsonObject("body").getJsonArray("nodes").size() == 2);
      // a user gone offline keeps a record (lastSeen) but is not listed
      try (WsClient gone = nodes.connect(nodes.a(), "adm-dave")) {
        gone.sync();
      }
      Eventually.eventually(Duration.ofSeconds(10), "adm-dave offline", () -> "offline".equals(user.request(Addresses.PRESENCE_GET,
          new JsonObject().put("users", new JsonArray().add("adm-dave"))).getJsonObject("body").getJsonObject("users").getJsonObject("adm-dave").getString("status")));
      JsonObject users = admin.request(Addresses.ADMIN_USERS, new JsonObject().put("prefix", "adm-")).getJsonObject("body");
      assertEquals(new JsonObject().put("users", new JsonArray().add(new JsonObject().put("userId", "adm-carol").put("status", "online").put("connections", 1)))
          .put("total", 1).put("truncated", false), users);
      Eventually.eventually(Duration.ofSeconds(10), "adm.hall with its member and last seq", () -> admin.request(Addresses.ADMIN_CHANNELS,
          new JsonObject().put("prefix", "adm.hall")).getJsonObject("body").equals(new JsonObject().put("channels", new JsonArray()
          .add(new JsonObject().put("channel", "adm.hall").put("seq", 1).put("members", 1))).put("total", 1).put("truncated", false)));
      JsonObject bad = admin.request(Addresses.ADMIN_CHANNELS, new JsonObject().put("limit", 0));
      assertEquals(ErrorCode.BAD_REQUEST.code, bad.getInteger("failureCode"), bad.encode());
    }
  }

  @Test
  @DisplayName("the console in Chromium: sign-in refused to a user, then nodes, a user and a channel live; publish, disconnect and revoke act; sign out ends it")
  void console() throws Exception {
    Path shot = JarProcessIT.ROOT.resolve("target/admin.png");
    ProcessBuilder pb = new ProcessBuilder("node", JarProcessIT.ROOT.resolve("src/test/js/admin-browser.js").toString(),
        "http://127.0.0.1:" + nodes.port(), shot.toString()).redirectErrorStream(true);
    pb.environment().put("HERALD_TEST_SECRET", TestTokens.SECRET);
    Process js = pb.start();
    String out = new String(js.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(js.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, js.exitValue(), out);
    assertTrue(out.contains("PASS nodes 2"), out);
    assertTrue(Files.size(shot) > 0);
    System.out.println(out);
  }
}
