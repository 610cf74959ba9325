package dev.herald.token;

import io.vertx.core.json.JsonObject;

/**
 * Rules on a token that the JWT library leaves open: {@code exp} is required, {@code exp},
 * {@code nbf} and {@code iat} are whole numbers in a sane range, {@code nbf} is honoured (both
 * with leeway), and a {@code crit} header is refused (Herald understands no JWT extension, and
 * RFC 7515 says a token naming one it does not understand must be rejected).
 */
public final class TokenRules {

  /** The latest {@code exp} accepted: 9999-12-31T23:59:59Z. Larger values overflow millisecond arithmetic. */
  public static final long MAX_TIME_SECONDS = 253_402_300_799L;

  /** The token is outside its validity window. */
  public static final class Expired extends RuntimeException {
    Expired(String message) {
      super(message, null, false, false);
    }
  }

  private TokenRules() {
  }

  /** @throws IllegalArgumentException when the header names a critical extension */
  public static void checkHeader(JsonObject header) {
    if (header.containsKey("crit")) {
      throw new IllegalArgumentException("crit header not supported");
    }
  }

  /**
   * @throws Expired                  when {@code exp} has passed or {@code nbf} is still ahead
   * @throws IllegalArgumentException when {@code exp} is missing, or a time claim is not a whole number in range
   */
  public static void checkTimes(JsonObject claims, long nowSeconds, long leewaySeconds) {
    Long exp = time(claims, "exp");
    if (exp == null) {
      throw new IllegalArgumentException("missing exp");
    }
    time(claims, "iat");
    Long nbf = time(claims, "nbf");
    if (exp + leewaySeconds <= nowSeconds) {
      throw new Expired("token expired");
    }
    if (nbf != null && nbf - leewaySeconds > nowSeconds) {
      throw new Expired("token not valid yet (nbf)");
    }
  }

  private static Long time(JsonObject claims, String name) {
    Object v = claims.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 0
        || n.doubleValue() > MAX_TIME_SECONDS) {
      throw new IllegalArgumentException(name + " must be a whole number of seconds from 0 to " + MAX_TIME_SECONDS);
    }
    return n.longValue();
  }
}
