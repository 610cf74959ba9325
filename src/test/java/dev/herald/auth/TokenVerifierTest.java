package dev.herald.auth;

import dev.herald.config.JwtConfig;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;

import static dev.herald.auth.TestTokens.SECRET;
import static dev.herald.auth.TestTokens.claims;
import static dev.herald.auth.TestTokens.hs256;
import static dev.herald.auth.TestTokens.now;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenVerifierTest {

  private static Vertx vertx;
  private static TokenVerifier hs;
  private static TokenVerifier rs;
  private static TokenVerifier strict;
  private static KeyPair rsa;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    rsa = TestTokens.rsaKeyPair();
    hs = new TokenVerifier(vertx, new JwtConfig("HS256", SECRET, null, null, null, 5));
    rs = new TokenVerifier(vertx, new JwtConfig("RS256", null, TestTokens.publicPem(rsa), null, null, 5));
    strict = new TokenVerifier(vertx, new JwtConfig("HS256", SECRET, null, "https://issuer.example", "herald", 5));
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  private static Principal accepted(TokenVerifier v, String token) {
    return v.verify(token).await();
  }

  private static String refused(TokenVerifier v, String token) {
    Throwable t = v.verify(token).transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
    ReplyException re = assertInstanceOf(ReplyException.class, t, "the token was accepted");
    assertEquals(401, re.failureCode());
    return re.getMessage();
  }

  @Test
  @DisplayName("a valid HS256 token becomes a principal with its claims")
  void valid() {
    Principal p = accepted(hs, hs256(claims("alice").put("channels", new JsonArray().add("room.*"))));
    assertEquals("alice", p.userId());
    assertTrue(p.channels().matches("room.1"));
  }

  @Test
  @DisplayName("no token, a wrong key, alg none, or garbage are refused")
  void badSignatures() {
    assertEquals("unauthorized: missing token", refused(hs, null));
    assertTrue(refused(hs, hs256("another-secret-another-secret-0123456", claims("alice"))).startsWith("unauthorized"));
    assertTrue(refused(hs, TestTokens.none(claims("alice"))).startsWith("unauthorized"));
    assertTrue(refused(hs, "a.b.c").startsWith("unauthorized"));
  }

  @Test
  @DisplayName("an expired token, or one whose nbf is ahead, is refused as token_expired")
  void times() {
    assertEquals("token_expired: token expired", refused(hs, hs256(claims("alice").put("exp", now() - 60))));
    assertEquals("token_expired: token not valid yet (nbf)", refused(hs, hs256(claims("alice").put("nbf", now() + 600))));
  }

  @Test
  @DisplayName("a token without sub or exp is refused")
  void missingClaims() {
    assertEquals("unauthorized: missing sub", refused(hs, hs256(new JsonObject().put("exp", now() + 60))));
    assertEquals("unauthorized: missing exp", refused(hs, hs256(new JsonObject().put("sub", "alice"))));
  }

  @Test
  @DisplayName("with issuer and audience configured, a token must carry both")
  void issuerAudience() {
    JsonObject good = claims("alice").put("iss", "https://issuer.example").put("aud", "herald");
    assertEquals("alice", accepted(strict, hs256(good)).userId());
    assertTrue(refused(strict, hs256(good.copy().put("iss", "https://evil.example"))).contains("issuer"));
    assertTrue(refused(strict, hs256(good.copy().put("aud", "other"))).contains("audience"));
    assertTrue(refused(strict, hs256(claims("alice"))).startsWith("unauthorized"));
  }

  @Test
  @DisplayName("RS256: a token signed with the private key passes; HS256 signed with the public key does not")
  void rs256() {
    assertEquals("alice", accepted(rs, TestTokens.rs256(rsa.getPrivate(), claims("alice"))).userId());
    assertTrue(refused(rs, TestTokens.confused(TestTokens.publicPem(rsa), claims("alice"))).startsWith("unauthorized"));
    assertTrue(refused(rs, TestTokens.rs256(TestTokens.rsaKeyPair().getPrivate(), claims("alice"))).startsWith("unauthorized"));
  }
}
