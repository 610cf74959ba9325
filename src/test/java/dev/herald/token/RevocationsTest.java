package dev.herald.token;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RevocationsTest {

  @Test
  @DisplayName("a token is revoked when its user was revoked after it was issued; one issued in or after that second passes; no iat counts as old")
  void rule() {
    assertFalse(Revocations.revoked(null, 100));
    assertTrue(Revocations.revoked(1000L, 999));
    assertFalse(Revocations.revoked(1000L, 1000));
    assertFalse(Revocations.revoked(1000L, 1001));
    assertTrue(Revocations.revoked(1000L, 0));
  }
}
