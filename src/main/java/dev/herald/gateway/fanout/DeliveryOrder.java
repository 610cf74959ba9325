package dev.herald.gateway.fanout;

/**
 * What one route (an address with local subscribers) has delivered, and whether the next message
 * may go: clients see presence versions and channel seqs only grow. A late duplicate (a publish
 * retried after a member changed) or an event overtaken by a newer one is dropped; a new channel
 * epoch starts the count again. Pure: {@link LocalFanout} reads the numbers off the message.
 */
public final class DeliveryOrder {

  private long newest = -1;
  private String epoch;

  /** A presence event of {@code version}: true when it is newer than every one delivered. */
  boolean acceptVersion(long version) {
    return advance(version);
  }

  /** A channel message of {@code seq} in {@code epoch} (null: unknown): true when it may be delivered. */
  boolean acceptSeq(long seq, String epoch) {
    if (epoch != null && !epoch.equals(this.epoch)) {
      this.epoch = epoch;
      newest = -1;
    }
    return advance(seq);
  }

  /** What a channel route has delivered: the epoch and the newest seq (-1: none yet). */
  public record Mark(String epoch, long newest) {
  }

  Mark mark() {
    return new Mark(epoch, newest);
  }

  /**
   * Whether a subscriber who joined at {@code then} already has channel message {@code seq} of
   * {@code epoch}, or one newer: every message delivered after it joined reached it, in order.
   */
  boolean had(Mark then, long seq, String epoch) {
    if (epoch == null || !epoch.equals(this.epoch)) {
      return false;
    }
    boolean deliveredSince = !epoch.equals(then.epoch()) || newest > then.newest();
    return newest > seq || (newest == seq && deliveredSince);
  }

  /**
   * Member events of one channel, by user: each user's versions only grow. Joins and leaves of one
   * user come from different nodes (the reconnect's node, the janitor's) and may cross on the way.
   * At most {@value #MAX_MEMBERS} users are remembered; past that the oldest are forgotten.
   */
  static final class PerUser {
    static final int MAX_MEMBERS = 10_000;
    private final java.util.LinkedHashMap<String, Long> newest = new java.util.LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(java.util.Map.Entry<String, Long> eldest) {
        return size() > MAX_MEMBERS;
      }
    };

    /** True when this event of {@code user} is newer than every one delivered for that user. */
    boolean accept(String user, long version) {
      Long before = newest.get(user);
      if (before != null && version <= before) {
        return false;
      }
      newest.put(user, version);
      return true;
    }
  }

  /** Forgets what was delivered: the next version or seq goes out whatever it is. */
  void reset() {
    newest = -1;
    epoch = null;
  }

  private boolean advance(long n) {
    if (n <= newest) {
      return false;
    }
    newest = n;
    return true;
  }
}
