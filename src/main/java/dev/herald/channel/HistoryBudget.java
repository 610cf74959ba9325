package dev.herald.channel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The node-wide history budget, decided: given what each channel this node owns keeps, which
 * channels' history to drop so the node is back under its budget. The channels published to
 * longest ago go first (the oldest history); their seq and epoch stay, so clients asking for
 * what was dropped are told {@code recovered: false}. Pure: {@link HistoryBudgetVerticle} does the I/O.
 */
final class HistoryBudget {

  /** One channel's kept history: bytes, and when it was last published to (ms). */
  record Usage(long bytes, long lastPublished) implements java.io.Serializable {
  }

  private HistoryBudget() {
  }

  static List<String> toClear(Map<String, Usage> usage, long budget) {
    long total = 0;
    for (Usage u : usage.values()) {
      total += u.bytes();
    }
    List<String> clear = new ArrayList<>();
    if (total <= budget) {
      return clear;
    }
    List<Map.Entry<String, Usage>> byAge = new ArrayList<>(usage.entrySet());
    byAge.sort(Comparator.comparingLong((Map.Entry<String, Usage> e) -> e.getValue().lastPublished()).thenComparing(Map.Entry::getKey));
    for (Map.Entry<String, Usage> e : byAge) {
      if (total <= budget) {
        break;
      }
      if (e.getValue().bytes() > 0) {
        clear.add(e.getKey());
        total -= e.getValue().bytes();
      }
    }
    return clear;
  }
}
