package dev.herald.it;

import dev.herald.protocol.Addresses;
import dev.herald.token.Rights;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Channel namespaces on a real node: a direct chat without a token per chat, a feed clients cannot write, a short history. */
class NamespacesIT {

  @RegisterExtension
  static final TestNodes nodes = TestNodes.single(new JsonObject().put("namespaces", new JsonObject()
      .put("dm", new JsonObject().put("userLimited", true))
      .put("feed", new JsonObject().put("clientPublish", false).put("historySize", 2))
      .put("quiet", new JsonObject().put("joinLeave", false))
      .put("ticker", new JsonObject().put("presence", false))));
  private static final NodeHttp http = nodes.http();

  @Test
  @DisplayName("dm:ann,bob is ann's and bob's with no claim for it; eve is refused even with a * claim")
  void directChat() {
    try (WsClient ann = nodes.connect(nodes.a(), "ann"); WsClient bob = nodes.connect(nodes.a(), "bob");
         WsClient eve = nodes.connect(nodes.a(), "eve", Rights.all())) {
      bob.subscribe(Addresses.channel("dm:ann,bob"));
      JsonObject ack = ann.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "dm:ann,bob").put("data", "hi bob"));
      assertEquals("rec", ack.getString("type"), ack::encode);
      assertEquals("hi bob", bob.awaitOn(Addresses.channel("dm:ann,bob")).getJsonObject("body").getString("data"));
      eve.register(Addresses.channel("dm:ann,bob"));
      assertEquals(4030, eve.await(f -> "err".equals(f.getString("type"))).getInteger("failureCode"));
      JsonObject history = eve.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "dm:ann,bob").put("since", 0));
      assertEquals(4030, history.getInteger("failureCode"), history::encode);
    }
  }

  @Test
  @DisplayName("feed: clients may read but not publish (the HTTP API may), and its history keeps 2")
  void feed() throws Exception {
    try (WsClient reader = nodes.connect(nodes.a(), "reader", Rights.read("feed:*").publish("feed:*"))) {
      JsonObject refused = reader.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "feed:news").put("data", 1));
      assertEquals(4030, refused.getInteger("failureCode"), refused::encode);
      for (int i = 1; i <= 3; i++) {
        assertEquals(201, http.service("POST", "/api/v1/channels/feed:news/messages", "{\"data\":" + i + "}").statusCode());
      }
      JsonObject h = reader.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "feed:news").put("since", 0)).getJsonObject("body");
      assertEquals(2, h.getJsonArray("messages").size(), h::encode);
      assertEquals(2, h.getJsonArray("messages").getJsonObject(0).getInteger("data"), "the oldest dropped");
    }
  }

  @Test
  @DisplayName("server-side subscriptions: a token's subscribe claim delivers its channels with no register, and lets their history be read")
  void serverSide() throws Exception {
    try (WsClient c = nodes.connect(nodes.a(), "subscribed", Rights.none().subscribe("news:daily"))) {
      c.sync(); // the connection's first frame waits for its server-side subscriptions
      assertEquals(201, http.service("POST", "/api/v1/channels/news:daily/messages", "{\"data\":\"morning\"}").statusCode());
      assertEquals("morning", c.awaitOn(Addresses.channel("news:daily")).getJsonObject("body").getString("data"));
      JsonObject h = c.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "news:daily").put("since", 0));
      assertEquals("rec", h.getString("type"), "readable with no channels claim: " + h.encode());
    }
    assertEquals(401, java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + nodes.port() + "/api/v1/channels/x/messages"))
        .header("Authorization", "Bearer " + Rights.none().subscribe("not a channel").token("bad")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode(), "a bad subscribe claim refuses the token");
  }

  @Test
  @DisplayName("quiet: members counted and listed, joins not watchable; ticker: no members counted at all; both readable")
  void presenceAndJoinLeave() throws Exception {
    try (WsClient ann = nodes.connect(nodes.a(), "ann", Rights.all()); WsClient bob = nodes.connect(nodes.a(), "bob", Rights.all())) {
      ann.subscribe(Addresses.channel("quiet:room"));
      ann.subscribe(Addresses.channel("ticker:eur"));
      ann.subscribe(Addresses.channel("open:room"));
      JsonObject quiet = bob.request(Addresses.CHANNEL_MEMBERS, new JsonObject().put("channel", "quiet:room")).getJsonObject("body");
      assertEquals(1, quiet.getInteger("count"), quiet::encode);
      bob.register(Addresses.members("quiet:room"));
      JsonObject refused = bob.await(f -> "err".equals(f.getString("type")) && Addresses.members("quiet:room").equals(f.getString("address")));
      assertEquals(4030, refused.getInteger("failureCode"), refused::encode);
      JsonObject ticker = bob.request(Addresses.CHANNEL_MEMBERS, new JsonObject().put("channel", "ticker:eur"));
      assertEquals(4030, ticker.getInteger("failureCode"), ticker::encode);
      HttpResponse<String> answer = http.service("GET", "/api/v1/channels/ticker:eur", null);
      assertEquals(200, answer.statusCode(), answer.body());
      JsonObject info = new JsonObject(answer.body());
      assertEquals(0, info.getInteger("members"), "nobody counted in ticker: " + info.encode());
      JsonObject open = bob.request(Addresses.CHANNEL_MEMBERS, new JsonObject().put("channel", "open:room")).getJsonObject("body");
      assertEquals(1, open.getInteger("count"), "elsewhere members are counted: " + open.encode());
    }
  }
}
