package dev.herald.token;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrincipalTest {

  private static JsonObject claims() {
    return new JsonObject().put("sub", "alice@example.com").put("exp", 2_000_000_000L);
  }

  @Test
  @DisplayName("absent channels and publish claims allow nothing; absent watch allows everyone")
  void defaults() {
    Principal p = Principal.fromClaims(claims());
    assertFalse(p.channels().matches("news"));
    assertFalse(p.publish().matches("news"));
    assertNull(p.watch());
    assertTrue(p.mayWatch("bob"));
    assertFalse(p.isService());
  }

  @Test
  @DisplayName("attack: a roles claim given as a string (or a list holding a non-string) is refused, never read as a role; duplicate claim keys leave the last, as the verifier read them")
  void rolesOnlyAsAList() {
    assertThrows(IllegalArgumentException.class, () -> Principal.fromClaims(claims().put("roles", "service")));
    assertThrows(IllegalArgumentException.class, () -> Principal.fromClaims(claims().put("roles", new JsonArray().add(1))));
    assertThrows(IllegalArgumentException.class, () -> Principal.fromClaims(claims().put("channels", "news")));
    JsonObject twice = new JsonObject("{\"sub\":\"alice\",\"exp\":2000000000,\"roles\":[\"service\"],\"roles\":[]}");
    assertFalse(Principal.fromClaims(twice).isService());
  }

  @Test
  @DisplayName("a watch claim restricts whose presence is visible, but never hides your own")
  void watch() {
    Principal p = Principal.fromClaims(claims().put("watch", new JsonArray().add("team.*")));
    assertTrue(p.mayWatch("team.bob"));
    assertFalse(p.mayWatch("bob"));
    assertTrue(p.mayWatch("alice@example.com"));
  }

  @Test
  @DisplayName("sub and exp are required and checked")
  void required() {
    assertEquals("missing sub", assertThrows(IllegalArgumentException.class,
        () -> Principal.fromClaims(new JsonObject().put("exp", 1))).getMessage());
    assertEquals("missing exp", assertThrows(IllegalArgumentException.class,
        () -> Principal.fromClaims(new JsonObject().put("sub", "a"))).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Principal.fromClaims(claims().put("sub", "has space")));
    assertThrows(IllegalArgumentException.class, () -> Principal.fromClaims(claims().put("sub", "x".repeat(129))));
    assertThrows(IllegalArgumentException.class, () -> Principal.fromClaims(claims().put("channels", "room.*")));
    assertThrows(IllegalArgumentException.class, () -> Principal.fromClaims(claims().put("publish", new JsonArray().add(3))));
  }

  @Test
  @DisplayName("toJson reads back as the same principal")
  void roundTrip() {
    Principal p = Principal.fromClaims(claims().put("channels", new JsonArray().add("a.*")).put("publish", new JsonArray().add("b"))
        .put("watch", new JsonArray().add("c*")).put("roles", new JsonArray().add("service")));
    assertEquals(p, Principal.fromClaims(p.toJson()));
    assertTrue(p.isService());
  }
}
