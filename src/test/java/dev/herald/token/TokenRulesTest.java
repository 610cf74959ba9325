package dev.herald.token;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static dev.herald.token.TokenLifetime.Action.CLOSE;
import static dev.herald.token.TokenLifetime.Action.NONE;
import static dev.herald.token.TokenLifetime.Action.NOTICE;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TokenRulesTest {

  @Test
  @DisplayName("exp is required, and a token is expired once exp plus leeway has passed")
  void exp() {
    assertThrows(IllegalArgumentException.class, () -> TokenRules.checkTimes(new JsonObject(), 100, 5));
    assertDoesNotThrow(() -> TokenRules.checkTimes(new JsonObject().put("exp", 100), 104, 5));
    assertThrows(TokenRules.Expired.class, () -> TokenRules.checkTimes(new JsonObject().put("exp", 100), 105, 5));
  }

  @Test
  @DisplayName("a token whose nbf is ahead by more than the leeway is not valid yet")
  void nbf() {
    JsonObject c = new JsonObject().put("exp", 1000).put("nbf", 200);
    assertEquals("token not valid yet (nbf)", assertThrows(TokenRules.Expired.class, () -> TokenRules.checkTimes(c, 194, 5)).getMessage());
    assertDoesNotThrow(() -> TokenRules.checkTimes(c, 195, 5));
  }

  @Test
  @DisplayName("a live connection is warned once before exp and closed at exp")
  void lifetime() {
    long exp = 1000;
    assertEquals(NONE, TokenLifetime.due(exp, 969_000, 30, false));
    assertEquals(NOTICE, TokenLifetime.due(exp, 970_000, 30, false));
    assertEquals(NONE, TokenLifetime.due(exp, 980_000, 30, true));
    assertEquals(CLOSE, TokenLifetime.due(exp, 1_000_000, 30, true));
    assertEquals(CLOSE, TokenLifetime.due(exp, 1_000_000, 30, false));
  }
}
