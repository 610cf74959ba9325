package dev.herald.channel;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class MembershipSerializersTest {

  @Test
  @DisplayName("memberships and their changes, a last leave's (no membership left) too, cross Hazelcast in their own form")
  void roundTrip() {
    SerializationConfig config = new SerializationConfig();
    MembershipSerializers.register(config);
    SerializationService s = new DefaultSerializationServiceBuilder().setConfig(config).build();
    Membership.Change join = Membership.join(null, "room", "ann", List.of("c1", "c2"), "node-a", 1000);
    assertEquals(1004, s.toData(join).getType());
    Membership.Change back = s.toObject(s.toData(join));
    assertEquals(Membership.Event.JOIN, back.event());
    assertEquals(join.version(), back.version());
    assertEquals(join.next().connections, back.next().connections);
    assertEquals("room", back.next().channel);
    assertEquals(1003, s.toData(join.next()).getType());
    Membership.Change leave = join.next().leave(e -> true);
    Membership.Change gone = s.toObject(s.toData(leave));
    assertNull(gone.next());
    assertEquals(Membership.Event.LEAVE, gone.event());
  }
}
