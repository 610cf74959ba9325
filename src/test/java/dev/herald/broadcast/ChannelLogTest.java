package dev.herald.broadcast;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelLogTest {

  private static final long HOUR = 3_600_000;

  private static ChannelLog withMessages(int n, int capacity) {
    ChannelLog log = new ChannelLog("room", "e1");
    for (int i = 1; i <= n; i++) {
      log.append(1000 + i, "alice", "{\"n\":" + i + "}", "t" + i, capacity, HOUR);
    }
    return log;
  }

  @Test
  @DisplayName("seq starts at 1 and grows by one per message")
  void seq() {
    ChannelLog log = new ChannelLog("room", "e1");
    assertEquals(1, log.append(1, "a", "1", null, 10, HOUR).seq());
    assertEquals(2, log.append(2, "a", "2", null, 10, HOUR).seq());
    assertEquals(3, log.nextSeq());
  }

  @Test
  @DisplayName("history after since returns what came later, in order, recovered")
  void history() {
    JsonObject h = withMessages(10, 100).history(7, 100, 2000, HOUR);
    assertEquals(3, h.getJsonArray("messages").size());
    assertEquals(8, h.getJsonArray("messages").getJsonObject(0).getLong("seq"));
    assertEquals(8, h.getJsonArray("messages").getJsonObject(0).getJsonObject("data").getInteger("n"));
    assertEquals("alice", h.getJsonArray("messages").getJsonObject(0).getString("from"));
    assertEquals(11, h.getLong("nextSeq"));
    assertTrue(h.getBoolean("recovered"));
    assertEquals("e1", h.getString("epoch"));
    JsonObject upToDate = withMessages(10, 100).history(10, 100, 2000, HOUR);
    assertTrue(upToDate.getJsonArray("messages").isEmpty());
    assertTrue(upToDate.getBoolean("recovered"));
  }

  @Test
  @DisplayName("a gap larger than what is kept is not recovered, and the kept part is still returned")
  void gap() {
    ChannelLog log = withMessages(50, 20); // keeps 31..50
    JsonObject h = log.history(5, 100, 2000, HOUR);
    assertFalse(h.getBoolean("recovered"));
    assertEquals(20, h.getJsonArray("messages").size());
    assertEquals(31, h.getJsonArray("messages").getJsonObject(0).getLong("seq"));
    assertTrue(log.history(30, 100, 2000, HOUR).getBoolean("recovered"));
  }

  @Test
  @DisplayName("messages older than the TTL are dropped, which is a gap too")
  void ttl() {
    ChannelLog log = withMessages(10, 100);
    JsonObject h = log.history(0, 100, 1000 + 5 + HOUR, HOUR); // keeps ts >= 1005: seqs 5..10
    assertEquals(6, h.getJsonArray("messages").size());
    assertFalse(h.getBoolean("recovered"));
  }

  @Test
  @DisplayName("a position past the end (another epoch's) is not recovered; limit caps the answer")
  void positions() {
    ChannelLog log = withMessages(10, 100);
    assertFalse(log.history(99, 100, 2000, HOUR).getBoolean("recovered"));
    assertEquals(3, log.history(0, 3, 2000, HOUR).getJsonArray("messages").size());
  }

  @Test
  @DisplayName("a backup replays the primary's messages with the same seqs")
  void replay() {
    ChannelLog primary = withMessages(3, 100);
    ChannelLog backup = new ChannelLog("room", "e1");
    ChannelLog.Stored s4 = primary.append(2000, "bob", "4", null, 100, HOUR);
    backup.replay(new ChannelLog.Stored(1, 1001, "a", "1", null), 100, HOUR);
    backup.replay(s4, 100, HOUR);
    backup.replay(s4, 100, HOUR);
    assertEquals(5, backup.nextSeq());
    assertEquals(2, backup.history(0, 100, 2100, HOUR).getJsonArray("messages").size());
  }
}
