package dev.herald.gateway.edge;

/**
 * A token bucket: {@code ratePerSecond} tokens a second, up to {@code burst} saved. Pure; the
 * caller passes the time, so it is tested without sleeping.
 */
public final class TokenBucket {

  private final double ratePerNano;
  private final double burst;
  private double tokens;
  private long last;
  private long lastUse;

  public TokenBucket(int ratePerSecond, int burst, long nowNanos) {
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.last = nowNanos;
    this.lastUse = nowNanos;
  }

  /** Tokens there are now, without taking one. */
  public double available(long nowNanos) {
    tokens = Math.min(burst, tokens + (nowNanos - last) * ratePerNano);
    last = nowNanos;
    return tokens;
  }

  /**
   * Takes {@code n} tokens whether or not there are that many: for a cost known only once paid
   * (the bytes of an answer). The bucket goes into debt, and {@link #tryTake}/{@link #available}
   * see it until the rate has paid it back.
   */
  public void charge(double n, long nowNanos) {
    available(nowNanos);
    tokens -= n;
    lastUse = nowNanos;
  }

  /** Whether nothing was taken for {@code idleNanos} and the bucket refilled: its caller may be forgotten (it would start full again). */
  public boolean idle(long idleNanos, long nowNanos) {
    return nowNanos - lastUse >= idleNanos && available(nowNanos) >= burst;
  }

  /** Takes one token if there is one. */
  public boolean tryTake(long nowNanos) {
    if (available(nowNanos) >= 1) {
      tokens -= 1;
      lastUse = nowNanos;
      return true;
    }
    return false;
  }
}
