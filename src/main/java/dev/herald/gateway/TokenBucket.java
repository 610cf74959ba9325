package dev.herald.gateway;

/**
 * A token bucket: {@code ratePerSecond} tokens a second, up to {@code burst} saved. Pure; the
 * caller passes the time, so it is tested without sleeping.
 */
final class TokenBucket {

  private final double ratePerNano;
  private final double burst;
  private double tokens;
  private long last;

  TokenBucket(int ratePerSecond, int burst, long nowNanos) {
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.last = nowNanos;
  }

  /** Tokens there are now, without taking one. */
  double available(long nowNanos) {
    tokens = Math.min(burst, tokens + (nowNanos - last) * ratePerNano);
    last = nowNanos;
    return tokens;
  }

  /** Takes one token if there is one. */
  boolean tryTake(long nowNanos) {
    if (available(nowNanos) >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
