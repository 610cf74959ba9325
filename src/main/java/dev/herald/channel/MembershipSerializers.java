package dev.herald.channel;

import com.hazelcast.config.SerializationConfig;
import dev.herald.cluster.Serializers;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Hazelcast's wire form of memberships and of the changes {@link MembershipOp} answers, in place of
 * Java serialization (one change per member during a storm of joins; see {@code
 * PresenceSerializers}). The only place that knows their bytes.
 */
public final class MembershipSerializers {

  private static final int MEMBERSHIP = 1003;
  private static final int CHANGE = 1004;
  private static final Membership.Event[] EVENTS = Membership.Event.values();

  private MembershipSerializers() {
  }

  public static void register(SerializationConfig config) {
    config.addSerializerConfig(Serializers.of(Membership.class, MEMBERSHIP, MembershipSerializers::write, MembershipSerializers::read));
    config.addSerializerConfig(Serializers.of(Membership.Change.class, CHANGE, (out, c) -> {
      out.writeBoolean(c.next() != null);
      if (c.next() != null) {
        write(out, c.next());
      }
      out.writeByte(c.event() == null ? -1 : c.event().ordinal());
      out.writeLong(c.version());
    }, in -> {
      Membership next = in.readBoolean() ? read(in) : null;
      byte event = in.readByte();
      return new Membership.Change(next, event < 0 ? null : EVENTS[event], in.readLong());
    }));
  }

  static void write(ObjectDataOutput out, Membership m) throws IOException {
    out.writeString(m.channel);
    out.writeString(m.userId);
    out.writeInt(m.connections.size());
    for (Map.Entry<String, String> e : m.connections.entrySet()) {
      out.writeString(e.getKey());
      out.writeString(e.getValue());
    }
    out.writeLong(m.version);
  }

  static Membership read(ObjectDataInput in) throws IOException {
    String channel = in.readString();
    String userId = in.readString();
    int n = in.readInt();
    Map<String, String> connections = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      connections.put(in.readString(), in.readString());
    }
    return new Membership(channel, userId, connections, in.readLong());
  }
}
