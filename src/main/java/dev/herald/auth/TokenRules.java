package dev.herald.auth;

import io.vertx.core.json.JsonObject;

/** Time rules on a token's claims: {@code exp} is required and {@code nbf} is honoured, both with leeway. */
public final class TokenRules {

  /** The token is outside its validity window. */
  public static final class Expired extends RuntimeException {
    Expired(String message) {
      super(message, null, false, false);
    }
  }

  private TokenRules() {
  }

  /**
   * @throws Expired                  when {@code exp} has passed or {@code nbf} is still ahead
   * @throws IllegalArgumentException when {@code exp} is missing or not a number
   */
  public static void checkTimes(JsonObject claims, long nowSeconds, long leewaySeconds) {
    Object exp = claims.getValue("exp");
    if (!(exp instanceof Number e)) {
      throw new IllegalArgumentException(exp == null ? "missing exp" : "exp must be a number");
    }
    if (e.longValue() + leewaySeconds <= nowSeconds) {
      throw new Expired("token expired");
    }
    Object nbf = claims.getValue("nbf");
    if (nbf != null) {
      if (!(nbf instanceof Number n)) {
        throw new IllegalArgumentException("nbf must be a number");
      }
      if (n.longValue() - leewaySeconds > nowSeconds) {
        throw new Expired("token not valid yet (nbf)");
      }
    }
  }
}
