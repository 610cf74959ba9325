package dev.herald.channel;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DeliveryMarksTest {

  @Test
  @DisplayName("without a mark only the confirmed seq goes out; with one, everything after the mark up to it, once")
  void fromTheMark() {
    DeliveryMarks marks = new DeliveryMarks();
    assertEquals(5, marks.firstToDeliver("c", "e1", 5), "a new owner starts at what was confirmed to it");
    marks.delivered("c", "e1", 5, 0, -1);
    assertEquals(6, marks.firstToDeliver("c", "e1", 8), "6 and 7 were confirmed before 8: they go out with it");
    marks.delivered("c", "e1", 8, 0, -1);
    assertEquals(9, marks.firstToDeliver("c", "e1", 7), "past 7: a late confirmation delivers nothing again");
  }

  @Test
  @DisplayName("a log made on this member is marked at 0: whichever confirmation comes first, delivery starts at seq 1")
  void newLogFromOne() {
    DeliveryMarks marks = new DeliveryMarks();
    marks.delivered("c", "e1", 0, 0, -1);
    assertEquals(1, marks.firstToDeliver("c", "e1", 2), "seq 2 confirmed before seq 1: both go out, 1 first");
  }

  @Test
  @DisplayName("a new epoch (the log was made again) ignores the old mark")
  void newEpoch() {
    DeliveryMarks marks = new DeliveryMarks();
    marks.delivered("c", "e1", 40, 0, -1);
    assertEquals(1, marks.firstToDeliver("c", "e2", 1));
  }

  @Test
  @DisplayName("marks of channels not delivered to for a while are forgotten as others are delivered")
  void forgets() {
    DeliveryMarks marks = new DeliveryMarks();
    marks.delivered("old", "e", 1, 0, -1);
    for (int i = 0; i < 5000; i++) {
      marks.delivered("c" + (i % 10), "e", i, 1_000, 500);
    }
    assertEquals(10, marks.size(), "only the channels delivered to since the cut-off");
  }
}
