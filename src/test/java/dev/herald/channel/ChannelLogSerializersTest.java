package dev.herald.channel;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.AbstractMap.SimpleEntry;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelLogSerializersTest {

  private static final long HOUR = 3_600_000;
  private static final ChannelLog.Retention KEEP_3 = new ChannelLog.Retention(3, Long.MAX_VALUE, HOUR);

  private static SerializationService service() {
    SerializationConfig config = new SerializationConfig();
    ChannelLogSerializers.register(config);
    return new DefaultSerializationServiceBuilder().setConfig(config).build();
  }

  private static <T> T roundTrip(SerializationService s, Object o, int type) {
    Data data = s.toData(o);
    assertEquals(type, data.getType(), o.getClass().getSimpleName());
    return s.toObject(data);
  }

  @Test
  @DisplayName("a log crosses whole in its own form: seq, epoch, kept messages, their bytes, and its idempotency keys")
  void log() {
    SerializationService s = service();
    ChannelLog log = new ChannelLog("room", "e1");
    for (int i = 1; i <= 5; i++) {
      log.append(1000 + i, i % 2 == 0 ? "ann" : null, "{\"n\":" + i + "}", i == 4 ? "trace" : null, "id-" + i, KEEP_3);
    }
    ChannelLog back = roundTrip(s, log, 1011);
    assertEquals(log.history(0, 10, 2000, HOUR).toJson(), back.history(0, 10, 2000, HOUR).toJson());
    assertEquals(log.bytes(), back.bytes());
    assertEquals(log.lastPublished(), back.lastPublished());
    assertEquals(4, back.byId("id-4").seq());
    assertNull(back.byId("id-1"), "dropped by the retention before it crossed");
    // a retry of a kept message gets its seq back on the copy too, and nothing is stored twice
    assertEquals(5, back.append(3000, null, "{}", null, "id-5", KEEP_3).seq());
    assertEquals(6, back.nextSeq());
    // and the ids the history dropped, within the idempotency window, cross with it
    ChannelLog.Retention window = new ChannelLog.Retention(3, Long.MAX_VALUE, HOUR, HOUR);
    ChannelLog windowed = new ChannelLog("room", "e2");
    for (int i = 1; i <= 5; i++) {
      windowed.append(1000 + i, null, "1", null, "w-" + i, window);
    }
    ChannelLog windowedBack = roundTrip(s, windowed, 1011);
    assertEquals(1, windowedBack.append(3000, null, "1", null, "w-1", window).seq(), "w-1 is still a repeat on the copy");
    assertEquals(6, windowedBack.nextSeq());
  }

  @Test
  @DisplayName("a publish, its backup, its answer, a delivery and a history read cross in their own form and do what the originals do")
  void ops() {
    SerializationService s = service();
    PublishOp publish = new PublishOp(1000, "ann", "{\"a\":1}", "t-1", "id-1", KEEP_3, 60);
    PublishOp publishBack = roundTrip(s, publish, 1007);
    SimpleEntry<String, ChannelLog> original = new SimpleEntry<>("room", new ChannelLog("room", "e1"));
    SimpleEntry<String, ChannelLog> copy = new SimpleEntry<>("room", new ChannelLog("room", "e1"));
    PublishOp.Published published = publish.process(original);
    assertEquals(published, publishBack.process(copy));
    assertEquals(published, roundTrip(s, published, 1009));
    assertEquals(original.getValue().history(0, 10, 2000, HOUR).toJson(), copy.getValue().history(0, 10, 2000, HOUR).toJson());

    // the backup replays the stored message with the primary's seq and epoch onto a copy that has none
    var backup = roundTrip(s, publish.getBackupProcessor(), 1008);
    SimpleEntry<String, ChannelLog> replica = new SimpleEntry<>("room", null);
    ((PublishOp.Backup) backup).process(replica);
    assertEquals(original.getValue().history(0, 10, 2000, HOUR).toJson(), replica.getValue().history(0, 10, 2000, HOUR).toJson());

    DeliverOp deliver = roundTrip(s, new DeliverOp(7, 60), 1010);
    assertEquals(7, deliver.seq);
    assertEquals(60, deliver.idleSeconds);
    HistoryOp history = roundTrip(s, new HistoryOp(0, 10, 2000, HOUR, false), 1012);
    assertTrue(history.process(Map.entry("room", original.getValue())).contains("\"seq\":1"));
    HistoryOp latest = roundTrip(s, new HistoryOp(0, 10, 2000, HOUR, true), 1012);
    assertTrue(latest.latest);
  }
}
