package dev.herald.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flipkart.zjsonpatch.JsonPatch;
import dev.herald.protocol.Addresses;
import dev.herald.token.Rights;
import dev.herald.token.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delta compression on a real node (docs/protocol.md, "Delta compression"): who gets a JSON Patch
 * of the message before, who gets the message whole, and herald-client.js handing the app whole
 * documents.
 */
class DeltaIT {

  @RegisterExtension
  static final TestNodes nodes = TestNodes.single(new JsonObject().put("namespaces", new JsonObject()
      .put("doc", new JsonObject().put("delta", "json-patch"))
      .put("cdoc", new JsonObject().put("delta", "json-patch").put("recovery", "cache"))));
  private static final NodeHttp http = nodes.http();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = Path.of(System.getProperty("herald.root", "."));

  /** A ~5 KB document, {@code version} changing one price. */
  static JsonObject board(int version) {
    JsonArray items = new JsonArray();
    for (int i = 0; i < 56; i++) {
      items.add(new JsonObject().put("symbol", "SYM" + i).put("name", "Company number " + i + " of the index")
          .put("price", i == version % 56 ? 100.0 + version : 100.0 + i).put("volume", 1000 * i));
    }
    return new JsonObject().put("board", "quotes").put("version", version).put("items", items);
  }

  private static void publish(String channel, Object data) throws Exception {
    assertEquals(201, http.service("POST", "/api/v1/channels/" + channel + "/messages", new JsonObject().put("data", data).encode()).statusCode());
  }

  private static JsonObject registerFrame(String address, String delta) {
    return new JsonObject().put("type", "register").put("address", address).put("headers", new JsonObject().put("delta", delta));
  }

  /** Applies the delta frame {@code f} to {@code base}. */
  private static Object applied(JsonObject f, Object base) throws Exception {
    JsonNode patch = JSON.readTree(f.getJsonObject("body").getJsonArray("data").encode());
    JsonNode doc = JSON.readTree(io.vertx.core.json.Json.encode(base));
    return io.vertx.core.json.Json.decodeValue(JSON.writeValueAsString(JsonPatch.apply(patch, doc)));
  }

  @Test
  @DisplayName("an opted-in subscriber gets patches that make the exact documents published; a plain one gets them whole; a newcomer gets whole first")
  void deltas() throws Exception {
    String address = Addresses.channel("doc:board");
    try (WsClient delta = nodes.connect(nodes.a(), "ann", Rights.all()); WsClient plain = nodes.connect(nodes.a(), "bob", Rights.all())) {
      delta.send(registerFrame(address, "json-patch"));
      delta.sync();
      plain.subscribe(address);
      publish("doc:board", board(0));
      JsonObject first = delta.awaitOn(address);
      assertNull(first.getValue("short"), "the first message of a subscription is whole, in the long form: " + first.encode());
      Object held = first.getJsonObject("body").getValue("data");
      assertEquals(board(0), held);
      assertEquals(board(0), plain.awaitOn(address).getJsonObject("body").getValue("data"));
      long deltaBytes = 0;
      long fullBytes = 0;
      for (int v = 1; v <= 5; v++) {
        publish("doc:board", board(v));
        JsonObject d = delta.awaitOn(address);
        assertEquals(Boolean.TRUE, d.getValue("delta"), d::encode);
        assertEquals(v + 1, d.getJsonObject("body").getLong("seq"));
        held = applied(d, held);
        assertEquals(board(v), held, "the patch turns the message before into the one published");
        JsonObject p = plain.awaitOn(address);
        assertNull(p.getValue("delta"), "who did not ask gets no delta");
        assertEquals(board(v), p.getJsonObject("body").getValue("data"));
        // on the wire: the short form, [seq, data], against the delta form, [seq, patch] and "delta": true
        deltaBytes += d.getJsonObject("body").getJsonArray("data").encode().length() + 16;
        fullBytes += p.getJsonObject("body").getValue("data").toString().length();
      }
      assertTrue(deltaBytes * 10 < fullBytes, "deltas " + deltaBytes + " bytes against " + fullBytes + " whole");
      System.out.println("5 KB document, one price changed: " + deltaBytes / 5 + " bytes a delta frame, " + fullBytes / 5 + " whole");
      try (WsClient late = nodes.connect(nodes.a(), "cid", Rights.all())) {
        late.send(registerFrame(address, "json-patch"));
        late.sync();
        publish("doc:board", board(6));
        JsonObject f = late.awaitOn(address);
        assertNull(f.getValue("short"), "a newcomer does not hold the message before: whole, long form");
        assertEquals(board(6), f.getJsonObject("body").getValue("data"));
        assertEquals(board(6), applied(delta.awaitOn(address), held), "the others go on with deltas");
        publish("doc:board", board(7));
        assertEquals(board(7), applied(late.awaitOn(address), board(6)), "and the newcomer's next is a delta");
      }
      assertTrue(http.metric("herald_fanout_delta_deliveries_total", "") >= 7);
      assertTrue(http.metric("herald_fanout_delta_saved_bytes_total", "") > 7 * 4000);
    }
  }

  @Test
  @DisplayName("in a cache namespace the latest message comes whole at once from the log, the next live one whole, then deltas")
  void cacheNamespace() throws Exception {
    String address = Addresses.channel("cdoc:board");
    publish("cdoc:board", board(1));
    publish("cdoc:board", board(2));
    try (WsClient delta = nodes.connect(nodes.a(), "ann", Rights.all())) {
      delta.send(registerFrame(address, "json-patch"));
      JsonObject latest = delta.awaitOn(address);
      assertNull(latest.getValue("short"), latest::encode);
      assertEquals(2L, latest.getJsonObject("body").getLong("seq"));
      // the node delivered nothing live on this channel before: the next one is whole (safe, not yet the cheapest)
      publish("cdoc:board", board(3));
      JsonObject next = delta.awaitOn(address);
      assertNull(next.getValue("delta"), next::encode);
      assertEquals(board(3), next.getJsonObject("body").getValue("data"));
      publish("cdoc:board", board(4));
      JsonObject d = delta.awaitOn(address);
      assertEquals(Boolean.TRUE, d.getValue("delta"), d::encode);
      assertEquals(board(4), applied(d, board(3)));
    }
  }

  @Test
  @DisplayName("after a hole in the stream or in a new epoch the message goes out whole; deltas start again from it")
  void gapAndEpoch() {
    String address = Addresses.channel("doc:raw");
    try (WsClient delta = nodes.connect(nodes.a(), "ann", Rights.all())) {
      delta.send(registerFrame(address, "json-patch"));
      delta.sync();
      // straight onto the bus, as the broadcast service sends them, with a seq skipped and an epoch changed
      int[][] sent = {{1, 1}, {2, 1}, {4, 1}, {5, 1}, {1, 2}, {2, 2}};
      for (int[] m : sent) {
        nodes.a().vertx().eventBus().publish(address, new JsonObject().put("channel", "doc:raw").put("seq", m[0]).put("epoch", "e" + m[1])
            .put("ts", 1).put("data", board(m[0] * 10 + m[1])));
      }
      JsonObject f1 = delta.awaitOn(address);
      assertNull(f1.getValue("short"));
      JsonObject f2 = delta.awaitOn(address);
      assertEquals(Boolean.TRUE, f2.getValue("delta"), f2::encode);
      JsonObject f4 = delta.awaitOn(address);
      assertNull(f4.getValue("delta"), "seq 3 never came: 4 goes out whole");
      assertEquals(4L, f4.getJsonObject("body").getLong("seq"));
      assertEquals(board(41), f4.getJsonObject("body").getValue("data"));
      JsonObject f5 = delta.awaitOn(address);
      assertEquals(Boolean.TRUE, f5.getValue("delta"), "5 follows 4: " + f5.encode());
      JsonObject e2 = delta.awaitOn(address);
      assertNull(e2.getValue("short"), "a new epoch: the long form, whole");
      assertEquals("e2", e2.getJsonObject("body").getString("epoch"));
      JsonObject e22 = delta.awaitOn(address);
      assertEquals(Boolean.TRUE, e22.getValue("delta"), e22::encode);
    }
  }

  @Test
  @DisplayName("asking for deltas where the namespace sends none, or in another format, is refused with 4000 and subscribes nothing")
  void refused() throws Exception {
    try (WsClient c = nodes.connect(nodes.a(), "ann", Rights.all())) {
      c.send(registerFrame(Addresses.channel("plain"), "json-patch"));
      JsonObject err = c.await(f -> "err".equals(f.getString("type")));
      assertEquals(4000, err.getInteger("failureCode"), err::encode);
      assertTrue(err.getString("message").contains("send no deltas"), err::encode);
      c.send(registerFrame(Addresses.channel("doc:x"), "fossil"));
      err = c.await(f -> "err".equals(f.getString("type")));
      assertEquals(4000, err.getInteger("failureCode"), err::encode);
      assertTrue(err.getString("message").contains("json-patch"), err::encode);
      c.sync();
      publish("doc:x", 1);
      publish("plain", 1);
      c.sync();
      c.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "doc:x").put("since", 0)); // a round trip after the publishes
      assertFalse(c.pending().stream().anyMatch(f -> f.getString("address", "").startsWith("rt.channel.doc:x")
          || "rt.channel.plain".equals(f.getString("address"))), "nothing subscribed: " + c.pending());
    }
  }

  @Test
  @DisplayName("herald-client.js with {delta: true} hands the app every document whole, in order, across a reconnect, from the vendored patch library")
  void heraldClient() throws Exception {
    assertTrue(Files.isDirectory(ROOT.resolve("src/test/js/node_modules/fast-json-patch")), "run scripts/test.sh (it runs npm ci in src/test/js)");
    assertArrayEquals(Files.readAllBytes(ROOT.resolve("src/test/js/node_modules/fast-json-patch/dist/fast-json-patch.min.js")),
        http.call("GET", "/vendor/fast-json-patch.min.js", null).body().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "the node serves the npm package's browser build unchanged");
    double before = http.metric("herald_fanout_delta_deliveries_total", "");
    Process js = new ProcessBuilder("node", ROOT.resolve("src/test/js/delta-client.js").toString(), "http://127.0.0.1:" + nodes.port(),
        TestTokens.hs256(TestTokens.claims("delta-js").put("channels", new JsonArray().add("doc:*")).put("publish", new JsonArray().add("doc:*"))))
        .redirectErrorStream(true).start();
    assertTrue(js.waitFor(30, TimeUnit.SECONDS), "the script finished");
    String out = new String(js.getInputStream().readAllBytes());
    assertEquals(0, js.exitValue(), out);
    assertTrue(out.contains("PASS"), out);
    assertTrue(http.metric("herald_fanout_delta_deliveries_total", "") - before >= 10, "the script was sent deltas: " + out);
  }
}
