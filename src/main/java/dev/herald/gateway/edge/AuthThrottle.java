package dev.herald.gateway.edge;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bad tokens per client address: each address may present {@code http.authFailuresPerSecondPerIp}
 * bad tokens a second (bursts of ten times that); past it, its requests are refused with 429
 * before any signature check, so a flood of bad tokens costs a map lookup, not an HMAC or RSA
 * verification each. Addresses are kept in LRU order, at most {@link #MAX_ADDRESSES}. Pure.
 */
public final class AuthThrottle {

  static final int MAX_ADDRESSES = 10_000;

  private final int perSecond;
  private final Map<String, TokenBucket> failures = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
      return size() > MAX_ADDRESSES;
    }
  };

  public AuthThrottle(int perSecond) {
    this.perSecond = perSecond;
  }

  /** True when {@code address} may have its token checked now. */
  boolean allowed(String address, long nowNanos) {
    TokenBucket b = failures.get(address);
    return b == null || b.available(nowNanos) >= 1;
  }

  /** Counts a bad token from {@code address}. */
  void failed(String address, long nowNanos) {
    failures.computeIfAbsent(address, a -> new TokenBucket(perSecond, 10 * perSecond, nowNanos)).tryTake(nowNanos);
  }
}
