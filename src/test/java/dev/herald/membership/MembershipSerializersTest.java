package dev.herald.membership;

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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class MembershipSerializersTest {

  private static SerializationService service() {
    SerializationConfig config = new SerializationConfig();
    MembershipSerializers.register(config);
    return new DefaultSerializationServiceBuilder().setConfig(config).build();
  }

  @Test
  @DisplayName("memberships and their changes, a last leave's (no membership left) too, cross Hazelcast in their own form")
  void roundTrip() {
    SerializationService s = service();
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

  @Test
  @DisplayName("joins, leaves, node cleanups and occupancy counts cross in their own form and do what the originals do")
  void ops() {
    SerializationService s = service();
    String key = Membership.key("room", "ann");
    Membership ann = Membership.join(null, "room", "ann", List.of("c1", "c2"), "node-a", 1000).next();
    List<MembershipOp> ops = List.of(
        MembershipOp.join(Map.of(key, List.of("c3")), "node-b", 1_234L),
        MembershipOp.leave(Map.of(key, List.of("c1", "c9"))),
        MembershipOp.nodes(Set.of("node-a"), false),
        MembershipOp.nodes(Set.of("node-a"), true));
    for (MembershipOp op : ops) {
      Data data = s.toData(op);
      assertEquals(1006, data.getType());
      MembershipOp back = s.toObject(data);
      Membership.Change expected = op.process(new SimpleEntry<>(key, ann));
      Membership.Change actual = back.process(new SimpleEntry<>(key, ann));
      assertEquals(expected.event(), actual.event());
      assertEquals(expected.next() == null ? null : expected.next().connections, actual.next() == null ? null : actual.next().connections);
    }
    MembershipOp first = s.toObject(s.toData(MembershipOp.join(Map.of(key, List.of("c3")), "node-b", 1_234L)));
    assertEquals(1_234_000L, first.process(new SimpleEntry<>(key, null)).version(), "a first join's version is the sender's cluster time");
    MembershipEvents.Count leave = s.toObject(s.toData(new MembershipEvents.Count(-1)));
    assertEquals(1013, s.toData(leave).getType());
    assertArrayEquals(new int[] {3, 2}, leave.process(new SimpleEntry<>("room", 3)));
  }
}
