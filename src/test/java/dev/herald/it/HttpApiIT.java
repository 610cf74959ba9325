package dev.herald.it;

import dev.herald.protocol.ErrorCode;
import dev.herald.node.Node;
import dev.herald.protocol.Addresses;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.util.List;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.herald.token.Rights;
import dev.herald.token.TestTokens;

import static dev.herald.token.TestTokens.claims;
import static dev.herald.token.TestTokens.hs256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP API of docs/protocol.md section 4 against two real nodes. */
class HttpApiIT {

  @RegisterExtension
  static final TestNodes nodes = TestNodes.pair(new JsonObject()
      .put("http", new JsonObject().put("maxBodyBytes", 2048).put("apiRatePerSecond", 20))
      .put("bridge", new JsonObject().put("publishPerSecond", 5)));
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final String SERVICE = Rights.service().token("billing");

  private static HttpResponse<String> call(String method, String path, String body, String token, String... headers) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodes.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      r.header(headers[i], headers[i + 1]);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject ok(HttpResponse<String> r, int status) {
    assertEquals(status, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static void refused(HttpResponse<String> r, int status, String error) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(error, new JsonObject(r.body()).getString("error"), r.body());
  }

  @Test
  @DisplayName("publish, history and members: a service's message reaches subscribers with its trace id, and no sender")
  void channels() throws Exception {
    try (WsClient sub = nodes.connect(nodes.b(), "subscriber", Rights.read("*"))) {
      sub.subscribe(Addresses.channel("api.news"));
      JsonObject ack = ok(call("POST", "/api/v1/channels/api.news/messages", "{\"data\":{\"headline\":\"hi\"}}", SERVICE,
          "X-Trace-Id", "trace-api-1"), 201);
      assertEquals(new JsonObject().put("channel", "api.news").put("seq", 1), ack);
      JsonObject m = sub.awaitOn(Addresses.channel("api.news")).getJsonObject("body");
      assertNull(m.getValue("from"), m::encode);
      assertEquals("trace-api-1", m.getString("traceId"));
      assertEquals("hi", m.getJsonObject("data").getString("headline"));
      ok(call("POST", "/api/v1/channels/api.news/messages", "{\"data\":2}", SERVICE), 201);
      JsonObject second = sub.awaitOn(Addresses.channel("api.news"));
      assertEquals(Boolean.TRUE, second.getBoolean("short"), second::encode);
      assertEquals(new JsonObject().put("channel", "api.news").put("seq", 2).put("epoch", m.getString("epoch")).put("data", 2),
          second.getJsonObject("body"));
      JsonObject h = ok(call("GET", "/api/v1/channels/api.news/messages?since=1&limit=10", null, SERVICE), 200);
      assertEquals(1, h.getJsonArray("messages").size());
      assertEquals(2, h.getJsonArray("messages").getJsonObject(0).getInteger("data"));
      JsonObject members = ok(call("GET", "/api/v1/channels/api.news/members", null, SERVICE), 200);
      assertEquals("subscriber", members.getJsonArray("members").getJsonObject(0).getString("userId"));
      JsonObject info = ok(call("GET", "/api/v1/channels/api.news", null, SERVICE), 200);
      assertEquals(m.getString("epoch"), info.getString("epoch"), info::encode);
      assertEquals(2, info.getLong("lastSeq"));
      assertEquals(1, info.getInteger("members"));
      // the owner and its one backup are the two members, whichever holds which
      java.util.Set<String> members2 = new java.util.HashSet<>();
      for (Node n : List.of(nodes.a(), nodes.b())) {
        members2.add("127.0.0.1:" + n.config().cluster().port());
      }
      assertEquals(members2, java.util.Set.of(info.getString("owner"), info.getJsonArray("backups").getString(0)), info::encode);
    }
    JsonObject none = ok(call("GET", "/api/v1/channels/api.never", null, SERVICE), 200);
    assertNull(none.getValue("epoch"), none::encode);
    assertEquals(0, none.getLong("lastSeq"));
    assertEquals(0, none.getInteger("members"));
  }

  @Test
  @DisplayName("one message to many channels in one call: a result per channel in order, each stored once with its own seq; bad lists refused")
  void publishMany() throws Exception {
    try (WsClient sub = nodes.connect(nodes.b(), "many-subscriber", Rights.read("*"))) {
      sub.subscribe(Addresses.channel("many.2"));
      String body = "{\"channels\":[\"many.1\",\"many.2\",\"many.3\"],\"data\":{\"n\":1},\"id\":\"batch-1\"}";
      JsonObject r = ok(call("POST", "/api/v1/publish", body, SERVICE), 200);
      assertEquals(3, r.getJsonArray("results").size(), r::encode);
      for (int i = 0; i < 3; i++) {
        assertEquals("many." + (i + 1), r.getJsonArray("results").getJsonObject(i).getString("channel"));
        assertEquals(1, r.getJsonArray("results").getJsonObject(i).getLong("seq"), r::encode);
      }
      assertEquals(1, sub.awaitOn(Addresses.channel("many.2")).getJsonObject("body").getJsonObject("data").getInteger("n"));
      assertEquals(r, ok(call("POST", "/api/v1/publish", body, SERVICE), 200), "the same id again: the same seqs, nothing stored twice");
      refused(call("POST", "/api/v1/publish", "{\"channels\":[\"a.1\",\"a.1\"],\"data\":1}", SERVICE), 400, "bad_request");
      refused(call("POST", "/api/v1/publish", "{\"channels\":[],\"data\":1}", SERVICE), 400, "bad_request");
      refused(call("POST", "/api/v1/publish", "{\"channels\":[\"ok.1\",\"bad name\"],\"data\":1}", SERVICE), 400, "bad_request");
      refused(call("POST", "/api/v1/publish", "{\"channels\":[\"ok.1\"]}", SERVICE), 400, "bad_request");
      // each channel counts against the token's rate (20 a second here, bursts of 40): 60 at once is over it
      io.vertx.core.json.JsonArray sixty = new io.vertx.core.json.JsonArray();
      for (int i = 0; i < 60; i++) {
        sixty.add("wide." + i);
      }
      String other = Rights.service().token("wide-publisher");
      refused(call("POST", "/api/v1/publish", new JsonObject().put("channels", sixty).put("data", 1).encode(), other), 429, "rate_limited");
      // the info of many channels in one call, in order: the ones just published to, and one never used
      JsonObject infos = ok(call("POST", "/api/v1/channels/info", "{\"channels\":[\"many.2\",\"never.used\"]}", SERVICE), 200);
      JsonObject many2 = infos.getJsonArray("channels").getJsonObject(0);
      assertEquals("many.2", many2.getString("channel"), infos::encode);
      assertEquals(1, many2.getLong("lastSeq"), infos::encode);
      assertEquals(1, many2.getInteger("members"), "the subscriber on node b: " + infos.encode());
      assertEquals(0, infos.getJsonArray("channels").getJsonObject(1).getLong("lastSeq"), infos::encode);
      refused(call("POST", "/api/v1/channels/info", "{\"channels\":[\"ok.1\",7]}", SERVICE), 400, "bad_request");
      refused(call("POST", "/api/v1/channels/info", new JsonObject().put("channels", sixty).encode(), other), 429, "rate_limited");
    }
  }

  @Test
  @DisplayName("unsubscribe takes a user off a channel on every node: an err on the address, then nothing more from it; other channels stay")
  void unsubscribe() throws Exception {
    try (WsClient onA = nodes.connect(nodes.a(), "leaver", Rights.read("*")); WsClient onB = nodes.connect(nodes.b(), "leaver", Rights.read("*"))) {
      for (WsClient c : List.of(onA, onB)) {
        c.subscribe(Addresses.channel("unsub.room"));
        c.subscribe(Addresses.channel("unsub.other"));
      }
      JsonObject r = ok(call("POST", "/api/v1/users/leaver/unsubscribe", "{\"channel\":\"unsub.room\"}", SERVICE), 202);
      assertEquals("unsub.room", r.getString("channel"));
      for (WsClient c : List.of(onA, onB)) {
        JsonObject err = c.awaitOn(Addresses.channel("unsub.room"));
        assertEquals(4030, err.getInteger("failureCode"), err::encode);
      }
      ok(call("POST", "/api/v1/channels/unsub.room/messages", "{\"data\":1}", SERVICE), 201);
      ok(call("POST", "/api/v1/channels/unsub.other/messages", "{\"data\":2}", SERVICE), 201);
      for (WsClient c : List.of(onA, onB)) {
        assertEquals(2, c.awaitOn(Addresses.channel("unsub.other")).getJsonObject("body").getInteger("data"));
        c.sync();
        assertTrue(c.pending().stream().noneMatch(f -> Addresses.channel("unsub.room").equals(f.getString("address"))), () -> "still subscribed: " + c.pending());
      }
      refused(call("POST", "/api/v1/users/leaver/unsubscribe", "{\"channel\":\"bad name\"}", SERVICE), 400, "bad_request");
    }
  }

  @Test
  @DisplayName("clear answers: a form's Content-Type is 415, a reserved channel name says so, a known path with another method is 405 with Allow")
  void clearAnswers() throws Exception {
    HttpResponse<String> form = call("POST", "/api/v1/channels/api.form/messages", "{\"data\":\"" + "x".repeat(1500) + "\"}", SERVICE,
        "Content-Type", "application/x-www-form-urlencoded");
    refused(form, 415, "unsupported_media_type");
    assertTrue(new JsonObject(form.body()).getString("message").contains("Content-Type: application/json"), form.body());
    ok(call("POST", "/api/v1/channels/api.form/messages", "{\"data\":1}", SERVICE, "Content-Type", "application/json; charset=utf-8"), 201);
    ok(call("POST", "/api/v1/channels/api.form/messages", "{\"data\":2}", SERVICE, "Content-Type", "text/plain;charset=UTF-8"), 201);
    HttpResponse<String> reserved = call("POST", "/api/v1/channels/publish/messages", "{\"data\":1}", SERVICE);
    refused(reserved, 400, "bad_request");
    assertTrue(new JsonObject(reserved.body()).getString("message").contains("reserved"), reserved.body());
    HttpResponse<String> delete = call("DELETE", "/api/v1/channels/api.form/messages", null, SERVICE);
    refused(delete, 405, "method_not_allowed");
    assertEquals("GET, POST", delete.headers().firstValue("Allow").orElse(null));
  }

  @Test
  @DisplayName("presence reads: one user, and a query of many")
  void presence() throws Exception {
    try (WsClient u = nodes.connect(nodes.b(), "seen-by-api", Rights.read("*"))) {
      assertEquals("rec", u.request(Addresses.PRESENCE_SET, new JsonObject().put("status", "away")).getString("type"));
      assertEquals("away", ok(call("GET", "/api/v1/presence/seen-by-api", null, SERVICE), 200).getString("status"));
      JsonObject q = ok(call("POST", "/api/v1/presence/query", "{\"users\":[\"seen-by-api\",\"nobody\"]}", SERVICE), 200);
      assertEquals("away", q.getJsonObject("users").getJsonObject("seen-by-api").getString("status"));
      assertEquals("offline", q.getJsonObject("users").getJsonObject("nobody").getString("status"));
    }
  }

  @Test
  @DisplayName("a direct message reaches every tab of the user on every node; another user cannot register that inbox")
  void directMessages() throws Exception {
    try (WsClient tab1 = nodes.connect(nodes.a(), "dm-user", Rights.read("*")); WsClient tab2 = nodes.connect(nodes.b(), "dm-user", Rights.read("*"));
         WsClient other = nodes.connect(nodes.a(), "snoop", Rights.read("*"))) {
      tab1.subscribe(Addresses.inbox("dm-user"));
      tab2.subscribe(Addresses.inbox("dm-user"));
      other.register(Addresses.inbox("dm-user"));
      assertEquals(ErrorCode.FORBIDDEN.code, other.awaitOn(Addresses.inbox("dm-user")).getInteger("failureCode"));
      // the inbox registration on the other node may take a moment to be seen here: send until both have one
      // (a sender of its own, paced under its rate: the other tests' token keeps its budget whatever this loop takes)
      String sender = Rights.service().token("dm-sender");
      JsonObject first = null;
      JsonObject second = null;
      for (int i = 0; i < 100 && second == null; i++) {
        if (i > 0) {
          Thread.sleep(60);
        }
        ok(call("POST", "/api/v1/users/dm-user/messages", "{\"data\":{\"n\":" + i + "}}", sender), 202);
        if (first == null) {
          first = tab1.pending().isEmpty() ? null : tab1.awaitOn(Addresses.inbox("dm-user"));
        }
        second = tab2.pending().isEmpty() ? null : tab2.awaitOn(Addresses.inbox("dm-user"));
      }
      assertTrue(second != null, "the tab on the other node got it");
      JsonObject body = second.getJsonObject("body");
      assertEquals("message", body.getString("type"));
      assertEquals("dm-sender", body.getString("from"));
      other.sync();
      assertTrue(other.pending().isEmpty(), () -> "nothing leaked: " + other.pending());
    }
  }

  @Test
  @DisplayName("disconnect closes the user's sockets on every node")
  void disconnect() throws Exception {
    WsClient here = nodes.connect(nodes.a(), "kicked", Rights.read("*"));
    WsClient there = nodes.connect(nodes.b(), "kicked", Rights.read("*"));
    here.sync();
    there.sync();
    ok(call("POST", "/api/v1/users/kicked/disconnect", null, SERVICE), 202);
    assertEquals(4403, here.awaitClosed());
    assertEquals(4403, there.awaitClosed());
    here.close();
    there.close();
  }

  @Test
  @DisplayName("401 without a valid token, 403 without the service role, 400 for bad input, 413 for a big body, 429 over the rate")
  void refusals() throws Exception {
    refused(call("GET", "/api/v1/presence/x", null, null), 401, "unauthorized");
    refused(call("GET", "/api/v1/presence/x", null, "garbage"), 401, "unauthorized");
    refused(call("GET", "/api/v1/presence/x", null, hs256(claims("plain-user"))), 403, "forbidden");
    refused(call("POST", "/api/v1/channels/api.bad/messages", "not json", SERVICE), 400, "bad_request");
    refused(call("POST", "/api/v1/channels/api.bad/messages", "{\"nodata\":1}", SERVICE), 400, "bad_request");
    refused(call("POST", "/api/v1/channels/bad%20name/messages", "{\"data\":1}", SERVICE), 400, "bad_request");
    refused(call("GET", "/api/v1/channels/api.bad/messages?since=abc", null, SERVICE), 400, "bad_request");
    refused(call("GET", "/api/v1/presence/bad%20user", null, SERVICE), 400, "bad_request");
    refused(call("POST", "/api/v1/presence/query", "{\"users\":\"x\"}", SERVICE), 400, "bad_request");
    refused(call("POST", "/api/v1/channels/api.bad/messages", "{\"data\":\"" + "x".repeat(5000) + "\"}", SERVICE), 413, "too_large");
    String limited = Rights.service().token("chatty");
    int tooMany = 0;
    for (int i = 0; i < 600 && tooMany == 0; i++) {
      if (call("GET", "/api/v1/presence/x", null, limited).statusCode() == 429) {
        tooMany++;
      }
    }
    assertEquals(1, tooMany, "the per-token rate limit answers 429");
  }

  @Test
  @DisplayName("a connection publishing faster than its limit gets 429s on the excess")
  void bridgeRateLimit() {
    try (WsClient c = nodes.connect(nodes.a(), "spammer", Rights.none().publish("*"))) {
      for (int i = 0; i < 30; i++) {
        c.send(new JsonObject().put("type", "send").put("address", Addresses.CHANNEL_PUBLISH).put("replyAddress", "s" + i)
            .put("body", new JsonObject().put("channel", "api.spam").put("data", i)));
      }
      int limited = 0;
      for (int i = 0; i < 30; i++) {
        String r = "s" + i;
        if (Integer.valueOf(ErrorCode.RATE_LIMITED.code).equals(c.await(f -> r.equals(f.getString("address"))).getInteger("failureCode"))) {
          limited++;
        }
      }
      assertTrue(limited > 0 && limited < 30, "some refused with 429, the burst went through: " + limited);
    }
  }

  @Test
  @DisplayName("POST .../messages with an id twice (a retry after a timeout) answers the same seq and stores one message")
  void idempotentHttpPublish() throws Exception {
    JsonObject first = ok(call("POST", "/api/v1/channels/api.idem/messages", "{\"data\":1,\"id\":\"inv-7\"}", SERVICE), 201);
    JsonObject again = ok(call("POST", "/api/v1/channels/api.idem/messages", "{\"data\":1,\"id\":\"inv-7\"}", SERVICE), 201);
    assertEquals(first.getLong("seq"), again.getLong("seq"));
    assertEquals(1, ok(call("GET", "/api/v1/channels/api.idem/messages", null, SERVICE), 200).getJsonArray("messages").size());
  }

  @Test
  @DisplayName("revoking a user closes their connections everywhere (4403) and refuses their older tokens on every node and on refresh; a newer token works")
  void revoke() throws Exception {
    String old = hs256(claims("revoked-user").put("iat", TestTokens.now() - 60));
    WsClient onB = nodes.connectWithToken(nodes.b(), old);
    onB.sync();
    ok(call("POST", "/api/v1/users/revoked-user/revoke", "{}", SERVICE), 202);
    assertEquals(4403, onB.awaitClosed());
    onB.close();
    // replicated to node b: its handshake refuses the old token (a revocation travels in well under a second)
    Eventually.eventually(java.time.Duration.ofSeconds(5), "node b refuses the revoked token", () -> {
      Throwable t = WsClient.get(WsClient.connect(nodes.client(), TestNodes.port(nodes.b()), old, null, false)
          .transform(ar -> io.vertx.core.Future.succeededFuture(ar.failed() ? ar.cause() : null)));
      return t instanceof io.vertx.core.http.UpgradeRejectedException u && u.getStatus() == 401;
    });
    String fresh = hs256(claims("revoked-user").put("iat", TestTokens.now() + 1));
    try (WsClient again = nodes.connectWithToken(nodes.b(), fresh)) {
      JsonObject refused = again.request(Addresses.AUTH_REFRESH, new JsonObject().put("token", old));
      assertEquals(ErrorCode.UNAUTHORIZED.code, refused.getInteger("failureCode"), refused.encode());
      assertEquals("rec", again.request(Addresses.AUTH_REFRESH, new JsonObject().put("token", fresh)).getString("type"));
    }
  }
}
