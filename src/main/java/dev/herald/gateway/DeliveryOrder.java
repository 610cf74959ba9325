package dev.herald.gateway;

/**
 * What one route (an address with local subscribers) has delivered, and whether the next message
 * may go: clients see presence versions and channel seqs only grow. A late duplicate (a publish
 * retried after a member changed) or an event overtaken by a newer one is dropped; a new channel
 * epoch starts the count again. Pure: {@link LocalFanout} reads the numbers off the message.
 */
final class DeliveryOrder {

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
