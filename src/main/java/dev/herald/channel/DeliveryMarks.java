package dev.herald.channel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per channel, the seq up to which this member, as the channel's owner, has delivered (in which
 * epoch). Node-local and not replicated: the member that makes a channel's log marks it at 0, so
 * everything from seq 1 goes out in order; a member that becomes a channel's owner later (a
 * failover, a migration) starts without a mark and delivers from the first seq confirmed to it
 * (an earlier one not yet delivered then shows as a gap, which clients fill from history). Each channel's mark is only touched on the
 * partition thread that owns the channel. Pure: {@link DeliverOp} applies it.
 */
final class DeliveryMarks {

  record Mark(String epoch, long seq, long at) {
  }

  private static final int PURGE_EVERY = 4096;

  /** Where a member keeps its marks in the Hazelcast user context. */
  private static final String KEY = "herald.channel.deliveryMarks";

  private final Map<String, Mark> marks = new ConcurrentHashMap<>();

  /** This member's marks. */
  static DeliveryMarks of(com.hazelcast.core.HazelcastInstance hazelcast) {
    return (DeliveryMarks) hazelcast.getUserContext().computeIfAbsent(KEY, k -> new DeliveryMarks());
  }
  private final AtomicLong updates = new AtomicLong();

  /**
   * The first seq to deliver now that {@code confirmed} is stored on the owner and its backup: the
   * one after the mark (the messages between were confirmed too, since a partition's backups are
   * applied in order), or {@code confirmed} itself without a mark in this epoch. Past {@code
   * confirmed} when it was delivered already.
   */
  long firstToDeliver(String channel, String epoch, long confirmed) {
    Mark m = marks.get(channel);
    if (m == null || !m.epoch().equals(epoch)) {
      return confirmed;
    }
    return m.seq() + 1;
  }

  /** The first seq this member has yet to deliver in this epoch, or {@link Long#MAX_VALUE} without a mark (nothing to hold back). */
  long undeliveredFrom(String channel, String epoch) {
    Mark m = marks.get(channel);
    return m == null || !m.epoch().equals(epoch) ? Long.MAX_VALUE : m.seq() + 1;
  }

  /** Records the delivery up to {@code seq} now; channels idle for {@code idleSeconds} are forgotten now and then. */
  void delivered(String channel, String epoch, long seq, int idleSeconds) {
    long now = System.currentTimeMillis();
    delivered(channel, epoch, seq, now, now - idleSeconds * 1000L);
  }

  /** Records the delivery up to {@code seq}; now and then forgets channels not delivered to since {@code forgetBefore}. */
  void delivered(String channel, String epoch, long seq, long now, long forgetBefore) {
    marks.put(channel, new Mark(epoch, seq, now));
    if (updates.incrementAndGet() % PURGE_EVERY == 0) {
      marks.values().removeIf(m -> m.at() < forgetBefore);
    }
  }

  int size() {
    return marks.size();
  }
}
