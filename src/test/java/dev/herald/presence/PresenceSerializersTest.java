package dev.herald.presence;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PresenceSerializersTest {

  private static SerializationService service() {
    SerializationConfig config = new SerializationConfig();
    PresenceSerializers.register(config);
    return new DefaultSerializationServiceBuilder().setConfig(config).build();
  }

  @Test
  @DisplayName("records and changes cross Hazelcast in their own form (not Java serialization) and come back equal")
  void roundTrip() {
    SerializationService s = service();
    PresenceRecord.Change online = PresenceRecord.absent("ann").connect(List.of("c1", "c2"), "node-a", 100).next().choose(Status.BUSY, 150);
    PresenceRecord.Change quiet = online.next().disconnect("c9", 200);
    Data data = s.toData(online);
    assertEquals(1002, data.getType());
    assertEquals(online, s.toObject(data));
    PresenceRecord.Change back = s.toObject(s.toData(quiet));
    assertEquals(quiet.next(), back.next());
    assertNull(back.previous());
    assertEquals(1001, s.toData(online.next()).getType());
    assertEquals(online.next(), s.toObject(s.toData(online.next())));
  }

  @Test
  @DisplayName("each kind of entry processor crosses in its own form and changes a record as the original does")
  void ops() {
    SerializationService s = service();
    PresenceRecord ann = PresenceRecord.absent("ann").connect(List.of("c1"), "node-a", 100).next();
    List<PresenceOp> ops = List.of(
        PresenceOp.connect(Map.of("ann", List.of("c2", "c3"), "bob", List.of("c4")), "node-b", 200),
        PresenceOp.disconnect(Map.of("ann", List.of("c1", "c9"), "bob", List.of("c4")), 300),
        PresenceOp.choose(Status.AWAY, 400),
        PresenceOp.dropNodes(Set.of("node-a", "node-z"), 500),
        PresenceOp.keepNodes(Set.of("node-b"), 600));
    for (PresenceOp op : ops) {
      op.offlineFor(42);
      Data data = s.toData(op);
      assertEquals(1005, data.getType(), op.kind.name());
      PresenceOp back = s.toObject(data);
      assertEquals(42, back.offlineTtlSeconds);
      assertEquals(op.process(new SimpleEntry<>("ann", ann)), back.process(new SimpleEntry<>("ann", ann)), op.kind.name());
    }
  }
}
