package dev.herald.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.function.LongConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SeqCheckTest {

  @Test
  @DisplayName("gaps count as lost, repeats and late arrivals as duplicated, per subscriber")
  void countsPerSubscriber() {
    SeqCheck check = new SeqCheck();
    LongConsumer a = check.subscriber();
    LongConsumer b = check.subscriber();
    for (long seq : new long[] {1, 2, 5, 5, 6, 3}) { // 3 and 4 missing, then 5 again, then 3 late
      a.accept(seq);
    }
    for (long seq = 1; seq <= 6; seq++) {
      b.accept(seq);
    }
    assertEquals(2, check.lost());
    assertEquals(2, check.duplicated());
  }

  @Test
  @DisplayName("a subscriber that received nothing loses no seq by the count, so it is counted apart: a check that compared nothing")
  void silentSubscribers() {
    SeqCheck check = new SeqCheck();
    check.subscriber().accept(1);
    check.subscriber(); // never hears a thing
    assertEquals(0, check.lost());
    assertEquals(1, check.silent());
  }
}
