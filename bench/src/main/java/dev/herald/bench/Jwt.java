package dev.herald.bench;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** HS256 tokens signed here with a cluster's shared secret (the chaos cluster runs without dev tokens). */
final class Jwt {

  private Jwt() {
  }

  /** A token for {@code claims}, issued now and valid for a day unless they say otherwise. */
  static String hs256(String secret, JsonObject claims) {
    long now = System.currentTimeMillis() / 1000;
    JsonObject c = new JsonObject().put("iat", now).put("exp", now + 24 * 3600).mergeIn(claims);
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String input = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(c.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
