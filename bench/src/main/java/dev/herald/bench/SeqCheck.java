package dev.herald.bench;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * Counts lost and duplicated seqs over many subscribers, each seeing one channel's increasing
 * seqs, and the subscribers that saw none at all (whose silence the lost count cannot see).
 */
final class SeqCheck {

  private final LongAdder lost = new LongAdder();
  private final LongAdder duplicated = new LongAdder();
  private final java.util.Queue<long[]> subscribers = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** A checker for one subscriber's stream (seqs start at 1). */
  LongConsumer subscriber() {
    long[] last = {0};
    subscribers.add(last);
    return seq -> {
      synchronized (last) {
        if (seq <= last[0]) {
          duplicated.increment();
        } else {
          lost.add(seq - last[0] - 1);
          last[0] = seq;
        }
      }
    };
  }

  long lost() {
    return lost.sum();
  }

  long duplicated() {
    return duplicated.sum();
  }

  /** Subscribers that received no seq: nothing was compared for them. */
  long silent() {
    return subscribers.stream().filter(last -> {
      synchronized (last) {
        return last[0] == 0;
      }
    }).count();
  }
}
