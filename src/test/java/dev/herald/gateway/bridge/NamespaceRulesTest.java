package dev.herald.gateway.bridge;

import dev.herald.config.ConfigException;
import dev.herald.config.HeraldConfig;
import dev.herald.config.NamespacesConfig;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.Frame;
import dev.herald.token.Principal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NamespaceRulesTest {

  static final NamespacesConfig NS = HeraldConfig.fromJson(new JsonObject().put("auth", new JsonObject().put("devTokens", true))
      .put("namespaces", new JsonObject()
          .put("dm", new JsonObject().put("userLimited", true))
          .put("feed", new JsonObject().put("clientPublish", false).put("historySize", 5))
          .put("quiet", new JsonObject().put("joinLeave", false))
          .put("ticker", new JsonObject().put("presence", false)))).namespaces();

  static Principal user(String sub, String... channels) {
    return Principal.fromClaims(new JsonObject().put("sub", sub).put("exp", 4_000_000_000L).put("channels", new JsonArray(java.util.List.of(channels)))
        .put("publish", new JsonArray(java.util.List.of(channels))));
  }

  @Test
  @DisplayName("a user-limited channel: the users it names, without a claim; anyone else refused, whatever their claims")
  void userLimited() {
    Addresses.Target dm = Addresses.parse(Addresses.channel("dm:ann,bob@example.com"));
    assertTrue(NamespaceRules.check(NS, user("ann"), Frame.Type.REGISTER, dm, null).allowed());
    assertTrue(NamespaceRules.check(NS, user("bob@example.com"), Frame.Type.REGISTER, dm, null).allowed());
    assertEquals(4030, NamespaceRules.check(NS, user("eve", "*"), Frame.Type.REGISTER, dm, null).refused().failureCode(), "a * claim does not open it");
    JsonObject publish = new JsonObject().put("channel", "dm:ann,bob@example.com").put("data", 1);
    assertTrue(NamespaceRules.check(NS, user("ann"), Frame.Type.SEND, Addresses.parse(Addresses.CHANNEL_PUBLISH), publish).allowed());
    assertEquals(4030, NamespaceRules.check(NS, user("an"), Frame.Type.SEND, Addresses.parse(Addresses.CHANNEL_HISTORY),
        publish.copy().put("since", 0)).refused().failureCode(), "a prefix of a listed user is not that user");
  }

  @Test
  @DisplayName("a namespace closed to client publishes refuses them; other channels and namespaces leave it to the claims")
  void clientPublishAndDefaults() {
    Addresses.Target pub = Addresses.parse(Addresses.CHANNEL_PUBLISH);
    assertEquals(4030, NamespaceRules.check(NS, user("ann", "*"), Frame.Type.SEND, pub, new JsonObject().put("channel", "feed:news")).refused().failureCode());
    assertNull(NamespaceRules.check(NS, user("ann"), Frame.Type.REGISTER, Addresses.parse(Addresses.channel("feed:news")), null), "reading feed: the claims decide");
    assertNull(NamespaceRules.check(NS, user("ann"), Frame.Type.SEND, pub, new JsonObject().put("channel", "other:x")), "a namespace not configured");
    assertNull(NamespaceRules.check(NS, user("ann"), Frame.Type.SEND, pub, new JsonObject().put("channel", "room.1")), "no namespace");
    assertEquals(5, NS.of("feed:news").historySize());
    assertEquals(NamespacesConfig.DEFAULT, NS.of("dmx:ann"));
  }

  @Test
  @DisplayName("a wrong namespace key or name is refused at start with its path")
  void badConfig() {
    ConfigException e = assertThrows(ConfigException.class, () -> HeraldConfig.fromJson(new JsonObject().put("auth", new JsonObject().put("devTokens", true))
        .put("namespaces", new JsonObject().put("chat", new JsonObject().put("historySise", 10)))));
    assertTrue(e.getMessage().contains("namespaces.chat"), e.getMessage());
    assertThrows(ConfigException.class, () -> HeraldConfig.fromJson(new JsonObject().put("auth", new JsonObject().put("devTokens", true))
        .put("namespaces", new JsonObject().put("bad name", new JsonObject()))));
    assertThrows(ConfigException.class, () -> HeraldConfig.fromJson(new JsonObject().put("auth", new JsonObject().put("devTokens", true))
        .put("namespaces", new JsonObject().put("chat", new JsonObject().put("historySize", 0)))));
  }

  @Test
  @DisplayName("a connect proxy that passes cookies is refused at start with any origin allowed")
  void cookiesNeedOrigins() {
    JsonObject proxy = new JsonObject().put("connect", new JsonObject().put("url", "http://127.0.0.1:1/c").put("headers", new JsonArray().add("cookie")));
    ConfigException e = assertThrows(ConfigException.class, () -> HeraldConfig.fromJson(new JsonObject().put("auth", new JsonObject().put("devTokens", true))
        .put("proxy", proxy)));
    assertTrue(e.getMessage().contains("allowedOrigins"), e.getMessage());
    HeraldConfig.fromJson(new JsonObject().put("auth", new JsonObject().put("devTokens", true)).put("proxy", proxy)
        .put("http", new JsonObject().put("allowedOrigins", new JsonArray().add("https://app.example"))));
  }

  @Test
  @DisplayName("a namespace without join/leave refuses watching joins but lists members; one without presence refuses both, to any claim")
  void presenceAndJoinLeave() {
    Principal all = user("ann", "*");
    Addresses.Target members = Addresses.parse(Addresses.CHANNEL_MEMBERS);
    assertEquals(4030, NamespaceRules.check(NS, all, Frame.Type.REGISTER, Addresses.parse(Addresses.members("quiet:room")), null).refused().failureCode());
    assertNull(NamespaceRules.check(NS, all, Frame.Type.SEND, members, new JsonObject().put("channel", "quiet:room")), "quiet: members listed");
    assertNull(NamespaceRules.check(NS, all, Frame.Type.REGISTER, Addresses.parse(Addresses.channel("quiet:room")), null), "quiet: readable");
    assertEquals(4030, NamespaceRules.check(NS, all, Frame.Type.REGISTER, Addresses.parse(Addresses.members("ticker:eur")), null).refused().failureCode());
    assertEquals(4030, NamespaceRules.check(NS, all, Frame.Type.SEND, members, new JsonObject().put("channel", "ticker:eur")).refused().failureCode());
    assertNull(NamespaceRules.check(NS, all, Frame.Type.REGISTER, Addresses.parse(Addresses.channel("ticker:eur")), null), "ticker: readable");
    assertNull(NamespaceRules.check(NS, all, Frame.Type.REGISTER, Addresses.parse(Addresses.members("other:room")), null), "elsewhere the claims decide");
  }
}
