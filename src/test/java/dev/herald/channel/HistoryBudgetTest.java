package dev.herald.channel;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryBudgetTest {

  @Test
  @DisplayName("under budget nothing is dropped; over it, the channels published to longest ago go first, until it fits")
  void oldestFirst() {
    Map<String, HistoryBudget.Usage> usage = Map.of(
        "new", new HistoryBudget.Usage(400, 300),
        "old", new HistoryBudget.Usage(300, 100),
        "mid", new HistoryBudget.Usage(300, 200),
        "empty", new HistoryBudget.Usage(0, 50));
    assertTrue(HistoryBudget.toClear(usage, 1000).isEmpty());
    assertEquals(List.of("old"), HistoryBudget.toClear(usage, 800));
    assertEquals(List.of("old", "mid"), HistoryBudget.toClear(usage, 600));
    assertEquals(List.of("old", "mid", "new"), HistoryBudget.toClear(usage, 0));
  }
}
