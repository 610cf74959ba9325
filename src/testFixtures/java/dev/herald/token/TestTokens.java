package dev.herald.token;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;

/**
 * Builds JWTs by hand (JCA only, not the library under test), so tests can make every kind of
 * bad token: wrong key, {@code alg: none}, missing claims, algorithm confusion. Shared with the
 * benchmark (src/testFixtures), which signs its clients' tokens with a cluster's secret.
 */
public final class TestTokens {

  public static final String SECRET = "test-secret-test-secret-test-secret-0123";

  private TestTokens() {
  }

  public static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** Claims for {@code sub} valid for an hour. */
  public static JsonObject claims(String sub) {
    return new JsonObject().put("sub", sub).put("iat", now()).put("exp", now() + 3600);
  }

  public static String hs256(String secret, JsonObject claims) {
    return sign("HS256", claims, input -> hmac(secret.getBytes(StandardCharsets.UTF_8), input));
  }

  public static String hs256(JsonObject claims) {
    return hs256(SECRET, claims);
  }

  public static String none(JsonObject claims) {
    return b64(new JsonObject().put("alg", "none").put("typ", "JWT").encode()) + "." + b64(claims.encode()) + ".";
  }

  public static String rs256(PrivateKey key, JsonObject claims) {
    return sign("RS256", claims, input -> {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(key);
      s.update(input);
      return s.sign();
    });
  }

  public static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String publicPem(KeyPair kp) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(kp.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** HS256 with the RS256 public key as the HMAC secret: the classic algorithm-confusion forgery. */
  public static String confused(String publicPem, JsonObject claims) {
    return hs256(publicPem, claims);
  }

  private interface Signer {
    byte[] sign(byte[] input) throws GeneralSecurityException;
  }

  /** HS256 with extra header fields (e.g. {@code crit}). */
  public static String hs256WithHeader(JsonObject extraHeader, JsonObject claims) {
    return sign(new JsonObject().put("alg", "HS256").put("typ", "JWT").mergeIn(extraHeader), claims,
        input -> hmac(SECRET.getBytes(StandardCharsets.UTF_8), input));
  }

  private static String sign(String alg, JsonObject claims, Signer signer) {
    return sign(new JsonObject().put("alg", alg).put("typ", "JWT"), claims, signer);
  }

  private static String sign(JsonObject header, JsonObject claims, Signer signer) {
    String input = b64(header.encode()) + "." + b64(claims.encode());
    try {
      return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, byte[] input) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(input);
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
