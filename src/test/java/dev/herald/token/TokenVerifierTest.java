package dev.herald.token;

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

import static dev.herald.token.TestTokens.SECRET;
import static dev.herald.token.TestTokens.claims;
import static dev.herald.token.TestTokens.hs256;
import static dev.herald.token.TestTokens.now;
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
    hs = new TokenVerifier(vertx, new JwtConfig("HS256", SECRET, null, null, null, 5, JwtConfig.DEFAULT_MAX_TOKEN_BYTES));
    rs = new TokenVerifier(vertx, new JwtConfig("RS256", null, TestTokens.publicPem(rsa), null, null, 5, JwtConfig.DEFAULT_MAX_TOKEN_BYTES));
    strict = new TokenVerifier(vertx, new JwtConfig("HS256", SECRET, null, "https://issuer.example", "herald", 5, JwtConfig.DEFAULT_MAX_TOKEN_BYTES));
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
    assertEquals(401, dev.herald.protocol.ErrorCode.of(re.failureCode()).httpStatus);
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

  @Test
  @DisplayName("attack: exp, nbf or iat that are not whole numbers in range are refused as 401, not a 503 with an exception's text")
  void malformedTimes() {
    for (String claim : new String[] {"exp", "nbf", "iat"}) {
      for (Object bad : new Object[] {"soon", new JsonObject(), 1e16, -5, 1.5}) {
        String m = refused(hs, hs256(claims("alice").put(claim, bad)));
        assertTrue(m.startsWith("unauthorized") && !m.contains("Exception"), claim + "=" + bad + ": " + m);
      }
    }
  }

  @Test
  @DisplayName("attack: a token with a crit header Herald does not understand is refused (RFC 7515 4.1.11)")
  void critHeader() {
    String t = TestTokens.hs256WithHeader(new JsonObject().put("crit", new JsonArray().add("exp")), claims("alice"));
    assertEquals("unauthorized: invalid token (crit header not supported)", refused(hs, t));
  }

  @Test
  @DisplayName("attack: a token over the size limit is refused before its signature is checked")
  void tooLong() {
    String t = hs256(claims("alice").put("pad", "x".repeat(JwtConfig.DEFAULT_MAX_TOKEN_BYTES)));
    assertTrue(refused(hs, t).contains("token longer than"));
    // a 4-6 KB token (many claims) is fine
    assertEquals("alice", accepted(hs, hs256(claims("alice").put("pad", "x".repeat(4000)))).userId());
  }

  @Test
  @DisplayName("an expired token still names its user where the caller allows it (a SockJS session's fallback requests)")
  void expiredButNamed() {
    String t = hs256(claims("alice").put("exp", now() - 600));
    assertEquals("alice", hs.verify(t, true).await().userId());
    String forged = hs256("another-secret-another-secret-0123456", claims("alice").put("exp", now() - 600));
    assertTrue(hs.verify(forged, true).failed() || hs.verify(forged, true).transform(ar -> io.vertx.core.Future.succeededFuture(ar.failed())).await());
  }
}
