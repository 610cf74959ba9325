package dev.herald.token;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test tokens' rights builder writes the claims the product reads. */
class RightsTest {

  @Test
  @DisplayName("each step writes its claim, which Principal reads back; a claim no step named is left out")
  void claimsReadBack() {
    Principal p = Principal.fromClaims(Rights.read("room.*").publish("room.1").watch("team.*").subscribe("news:daily").claims("alice"));
    assertEquals("alice", p.userId());
    assertTrue(p.channels().matches("room.2"));
    assertTrue(p.publish().matches("room.1"));
    assertFalse(p.publish().matches("room.2"));
    assertTrue(p.mayWatch("team.x"));
    assertFalse(p.mayWatch("other"));
    assertEquals(java.util.List.of("news:daily"), p.subscribe());
    assertFalse(p.isService());
    JsonObject none = Rights.none().claims("bob");
    assertEquals(java.util.Set.of("sub", "iat", "exp"), none.fieldNames());
    assertNull(Principal.fromClaims(none).watch());
    assertTrue(Principal.fromClaims(Rights.service().claims("ops")).isService());
  }

  @Test
  @DisplayName("a step with no pattern still writes its claim, empty; rights are immutable")
  void emptyAndImmutable() {
    assertEquals(new JsonArray(), Rights.read().claims("u").getJsonArray("channels"));
    Rights read = Rights.read("*");
    Rights both = read.publish("*");
    assertNull(read.claims("u").getValue("publish"), "publish() changed the rights it was called on");
    assertEquals(Rights.all().claims("u").getJsonArray("publish"), both.claims("u").getJsonArray("publish"));
    JsonObject c = read.claims("u");
    c.getJsonArray("channels").add("more");
    assertEquals(new JsonArray().add("*"), read.claims("u").getJsonArray("channels"), "claims handed out share nothing with the rights");
  }
}
