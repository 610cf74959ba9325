package dev.herald.gateway.edge;

/**
 * How many new bridge connections a gateway instance takes a second ({@code bridge.connectsPerSecond},
 * shared by the node's instances), and when to tell the others to come back: each refused client
 * is given the next free slot after those already promised, so a storm of reconnects (the clients
 * of a node that died, all at once) comes back spread at the rate the node takes, instead of all
 * at once again. Pure; the caller passes the time.
 */
public final class ConnectAdmission {

  /** No client is told to wait longer than this: past it the promised slots are too far off to mean anything. */
  static final long MAX_WAIT_MS = 60_000;

  private final TokenBucket bucket;
  private final double slotMs;
  private double nextSlotMs;

  /** @param perSecond connects a second, with bursts of as many */
  public ConnectAdmission(int perSecond, long nowNanos) {
    this.bucket = new TokenBucket(perSecond, perSecond, nowNanos);
    this.slotMs = 1000.0 / perSecond;
  }

  /** 0 when the connection may open now; else how long (ms, at least 1) it should wait before trying again. */
  public long admit(long nowNanos) {
    if (bucket.tryTake(nowNanos)) {
      return 0;
    }
    double nowMs = nowNanos / 1e6;
    double slot = Math.max(nextSlotMs, nowMs) + slotMs;
    if (slot > nowMs + MAX_WAIT_MS) {
      // the slots are promised a minute ahead: the rest are scattered over its second half, never
      // all told the same moment (which would bring the storm back whole)
      return MAX_WAIT_MS / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(MAX_WAIT_MS / 2 + 1);
    }
    nextSlotMs = slot;
    return Math.max(1, Math.round(slot - nowMs));
  }

  /** Whether a connection would be let in now, taking nothing: asked before work a refusal would waste (a connect proxy's call). */
  public boolean open(long nowNanos) {
    return bucket.available(nowNanos) >= 1;
  }
}
