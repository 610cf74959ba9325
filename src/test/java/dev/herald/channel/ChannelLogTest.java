package dev.herald.channel;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelLogTest {

  private static final long HOUR = 3_600_000;

  private static ChannelLog withMessages(int n, int capacity) {
    ChannelLog log = new ChannelLog("room", "e1");
    for (int i = 1; i <= n; i++) {
      log.append(1000 + i, "alice", "{\"n\":" + i + "}", "t" + i, null, new ChannelLog.Retention(capacity, Long.MAX_VALUE, HOUR));
    }
    return log;
  }

  @Test
  @DisplayName("seq starts at 1 and grows by one per message")
  void seq() {
    ChannelLog log = new ChannelLog("room", "e1");
    assertEquals(1, log.append(1, "a", "1", null, null, new ChannelLog.Retention(10, Long.MAX_VALUE, HOUR)).seq());
    assertEquals(2, log.append(2, "a", "2", null, null, new ChannelLog.Retention(10, Long.MAX_VALUE, HOUR)).seq());
    assertEquals(3, log.nextSeq());
  }

  @Test
  @DisplayName("history after since returns what came later, in order, recovered")
  void history() {
    JsonObject h = withMessages(10, 100).history(7, 100, 2000, HOUR).toJson();
    assertEquals(3, h.getJsonArray("messages").size());
    assertEquals(8, h.getJsonArray("messages").getJsonObject(0).getLong("seq"));
    assertEquals(8, h.getJsonArray("messages").getJsonObject(0).getJsonObject("data").getInteger("n"));
    assertEquals("alice", h.getJsonArray("messages").getJsonObject(0).getString("from"));
    assertEquals(11, h.getLong("nextSeq"));
    assertTrue(h.getBoolean("recovered"));
    assertEquals("e1", h.getString("epoch"));
    JsonObject upToDate = withMessages(10, 100).history(10, 100, 2000, HOUR).toJson();
    assertTrue(upToDate.getJsonArray("messages").isEmpty());
    assertTrue(upToDate.getBoolean("recovered"));
  }

  @Test
  @DisplayName("a cache read answers only the latest message, recovered from any position still in the epoch; nothing newer is recovered too; a lost latest or a position past the end is not")
  void latest() {
    ChannelLog log = withMessages(50, 20); // keeps 31..50
    JsonObject h = log.latest(5, 2000, HOUR).toJson();
    assertEquals(1, h.getJsonArray("messages").size());
    assertEquals(50, h.getJsonArray("messages").getJsonObject(0).getLong("seq"));
    assertEquals(50, h.getJsonArray("messages").getJsonObject(0).getJsonObject("data").getInteger("n"));
    assertTrue(h.getBoolean("recovered"));
    JsonObject upToDate = log.latest(50, 2000, HOUR).toJson();
    assertTrue(upToDate.getJsonArray("messages").isEmpty());
    assertTrue(upToDate.getBoolean("recovered"));
    assertFalse(log.latest(51, 2000, HOUR).toJson().getBoolean("recovered"));
    JsonObject expired = log.latest(0, 1050 + HOUR + 1, HOUR).toJson();
    assertTrue(expired.getJsonArray("messages").isEmpty());
    assertFalse(expired.getBoolean("recovered"));
    log.clearHistory();
    assertFalse(log.latest(10, 2000, HOUR).toJson().getBoolean("recovered"));
    assertEquals(51, log.latest(10, 2000, HOUR).toJson().getLong("nextSeq"));
  }

  @Test
  @DisplayName("a gap larger than what is kept is not recovered, and the kept part is still returned")
  void gap() {
    ChannelLog log = withMessages(50, 20); // keeps 31..50
    JsonObject h = log.history(5, 100, 2000, HOUR).toJson();
    assertFalse(h.getBoolean("recovered"));
    assertEquals(20, h.getJsonArray("messages").size());
    assertEquals(31, h.getJsonArray("messages").getJsonObject(0).getLong("seq"));
    assertTrue(log.history(30, 100, 2000, HOUR).toJson().getBoolean("recovered"));
  }

  @Test
  @DisplayName("messages older than the TTL are dropped, which is a gap too")
  void ttl() {
    ChannelLog log = withMessages(10, 100);
    JsonObject h = log.history(0, 100, 1000 + 5 + HOUR, HOUR).toJson(); // keeps ts >= 1005: seqs 5..10
    assertEquals(6, h.getJsonArray("messages").size());
    assertFalse(h.getBoolean("recovered"));
  }

  @Test
  @DisplayName("a position past the end (another epoch's) is not recovered; limit caps the answer")
  void positions() {
    ChannelLog log = withMessages(10, 100);
    assertFalse(log.history(99, 100, 2000, HOUR).toJson().getBoolean("recovered"));
    assertEquals(3, log.history(0, 3, 2000, HOUR).toJson().getJsonArray("messages").size());
  }

  @Test
  @DisplayName("a backup replays the primary's messages with the same seqs")
  void replay() {
    ChannelLog primary = withMessages(3, 100);
    ChannelLog backup = new ChannelLog("room", "e1");
    ChannelLog.Stored s4 = primary.append(2000, "bob", "4", null, null, new ChannelLog.Retention(100, Long.MAX_VALUE, HOUR));
    backup.replay(new ChannelLog.Stored(1, 1001, "a", "1", null, null), new ChannelLog.Retention(100, Long.MAX_VALUE, HOUR));
    backup.replay(s4, new ChannelLog.Retention(100, Long.MAX_VALUE, HOUR));
    backup.replay(s4, new ChannelLog.Retention(100, Long.MAX_VALUE, HOUR));
    assertEquals(5, backup.nextSeq());
    assertEquals(2, backup.history(0, 100, 2100, HOUR).toJson().getJsonArray("messages").size());
  }

  @Test
  @DisplayName("attack: history is bounded in bytes too, oldest dropped first, and a client asking past it is told recovered: false")
  void byteBudget() {
    ChannelLog log = new ChannelLog("big", "e1");
    ChannelLog.Retention r = new ChannelLog.Retention(1000, 10_000, HOUR);
    String kb = "\"" + "x".repeat(1000) + "\"";
    for (int i = 0; i < 100; i++) {
      log.append(1000 + i, "mallory", kb, null, null, r);
    }
    assertTrue(log.bytes() <= 10_000, "kept " + log.bytes());
    assertTrue(log.size() >= 8 && log.size() < 10, "kept " + log.size());
    JsonObject h = log.history(0, 1000, 2000, HOUR).toJson();
    assertFalse(h.getBoolean("recovered"));
    assertEquals(100, h.getJsonArray("messages").getJsonObject(h.getJsonArray("messages").size() - 1).getLong("seq"));
  }

  @Test
  @DisplayName("the byte budget counts UTF-8 bytes: 1000 euro signs cost 3000 bytes, not 1000")
  void utf8Bytes() {
    ChannelLog log = new ChannelLog("eu", "e1");
    log.append(1, "a", "\"" + "\u20ac".repeat(1000) + "\"", null, null, new ChannelLog.Retention(10, Long.MAX_VALUE, HOUR));
    assertTrue(log.bytes() >= 3002, "counted " + log.bytes());
  }

  @Test
  @DisplayName("clearing a log's history keeps its seq and epoch, so the next message continues the count")
  void clearKeepsSeq() {
    ChannelLog log = withMessages(5, 100);
    assertTrue(log.clearHistory() > 0);
    assertEquals(0, log.size());
    assertEquals(6, log.append(3000, "a", "1", null, null, new ChannelLog.Retention(10, Long.MAX_VALUE, HOUR)).seq());
    assertFalse(log.history(2, 100, 3000, HOUR).toJson().getBoolean("recovered"));
  }

  @Test
  @DisplayName("a repeat of an id still in the history gets the original message and seq, and stores nothing")
  void idempotentIds() {
    ChannelLog log = new ChannelLog("c", "e1");
    ChannelLog.Retention r = new ChannelLog.Retention(2, Long.MAX_VALUE, HOUR);
    ChannelLog.Stored first = log.append(1, "a", "1", null, "msg-1", r);
    assertEquals(first, log.append(2, "a", "1", null, "msg-1", r));
    assertEquals(2, log.nextSeq());
    assertEquals(1, log.size());
    log.append(3, "a", "2", null, "msg-2", r);
    log.append(4, "a", "3", null, "msg-3", r); // msg-1 leaves the history (2 kept)
    assertEquals(4, log.append(5, "a", "1", null, "msg-1", r).seq(), "an id no longer kept is a new message");
  }

  @Test
  @DisplayName("an id stays a repeat for the idempotency window, kept in the history or not (dropped by count, or cleared by the node's budget); past the window it is a new message")
  void idempotencyWindowOutlivesTheHistory() {
    ChannelLog log = new ChannelLog("c", "e1");
    ChannelLog.Retention r = new ChannelLog.Retention(2, Long.MAX_VALUE, HOUR, 10_000);
    log.append(1_000, "a", "1", null, "msg-1", r);
    log.append(2_000, "a", "2", null, "msg-2", r);
    log.append(3_000, "a", "3", null, "msg-3", r); // msg-1 leaves the history (2 kept), its id does not
    assertNull(log.byId("msg-1"));
    ChannelLog.Stored repeat = log.append(5_000, "a", "1", null, "msg-1", r);
    assertEquals(1, repeat.seq(), "a retry of a message the history dropped gets its seq");
    assertEquals(4, log.nextSeq(), "and stores nothing");
    log.clearHistory(); // the node's history budget: msg-2 and msg-3 go, their ids stay
    assertEquals(3, log.append(6_000, "a", "3", null, "msg-3", r).seq());
    assertEquals(4, log.nextSeq());
    // 10 s after msg-1, the next message trims the window: msg-1 is a new message again
    log.append(12_000, "a", "4", null, "msg-4", r);
    assertEquals(5, log.append(12_500, "a", "1", null, "msg-1", r).seq());
    assertEquals(6, log.append(12_600, "a", "2", null, "msg-2", r).seq(), "msg-2 (published at 2 s) is past the window at 12.6 s");
  }

  @Test
  @DisplayName("a message not delivered yet stays past the retention until it has been; then the retention applies again")
  void keepsTheUndelivered() {
    ChannelLog log = new ChannelLog("c", "e");
    ChannelLog.Retention one = new ChannelLog.Retention(1, Long.MAX_VALUE, HOUR);
    log.append(1, "a", "1", null, null, one, 1); // seq 1, nothing delivered yet
    log.append(2, "a", "2", null, null, one, 1); // seq 2 came in before seq 1 went out
    assertEquals(2, log.range(1, 2).size(), "seq 1 is still there to be delivered");
    log.append(3, "a", "3", null, null, one, 3); // 1 and 2 delivered
    assertEquals(List.of(3L), log.range(1, 3).stream().map(ChannelLog.Stored::seq).toList(), "back to the retention");
    log.append(4, "a", "4", null, null, one);
    assertEquals(List.of(4L), log.range(1, 4).stream().map(ChannelLog.Stored::seq).toList(), "without a mark: the retention alone");
  }
}
