package dev.herald.presence;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

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
}
