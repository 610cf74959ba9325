package dev.herald.membership;

import com.hazelcast.config.SerializationConfig;
import dev.herald.cluster.Serializers;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;

import java.io.IOException;

/**
 * Hazelcast's wire form of memberships, of {@link MembershipOp} and of the changes it answers, and
 * of the occupancy count a batch of joins or leaves sends ({@link MembershipEvents.Count}), in
 * place of Java serialization (a change per member during a storm of joins, each op sent again
 * with its backup; see {@code PresenceSerializers}). The only place that knows their bytes.
 */
public final class MembershipSerializers {

  private static final int MEMBERSHIP = 1003;
  private static final int CHANGE = 1004;
  private static final int OP = 1006;
  private static final int COUNT = 1013;
  private static final byte JOIN = 0;
  private static final byte LEAVE = 1;
  private static final byte NODES = 2;
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
    config.addSerializerConfig(Serializers.of(MembershipOp.class, OP, MembershipSerializers::writeOp, MembershipSerializers::readOp));
    config.addSerializerConfig(Serializers.of(MembershipEvents.Count.class, COUNT, (out, c) -> out.writeInt(c.delta()),
        in -> new MembershipEvents.Count(in.readInt())));
  }

  static void writeOp(ObjectDataOutput out, MembershipOp op) throws IOException {
    if (op.joins != null) {
      out.writeByte(JOIN);
      out.writeString(op.nodeId);
      out.writeLong(op.now);
      Serializers.writeStringLists(out, op.joins);
    } else if (op.leaves != null) {
      out.writeByte(LEAVE);
      Serializers.writeStringLists(out, op.leaves);
    } else {
      out.writeByte(NODES);
      Serializers.writeStrings(out, op.nodes);
      out.writeBoolean(op.keep);
    }
  }

  static MembershipOp readOp(ObjectDataInput in) throws IOException {
    byte form = in.readByte();
    return switch (form) {
      case JOIN -> {
        String nodeId = in.readString();
        long now = in.readLong();
        yield new MembershipOp(Serializers.readStringLists(in), null, nodeId, null, false, now);
      }
      case LEAVE -> new MembershipOp(null, Serializers.readStringLists(in), null, null, false, 0);
      case NODES -> new MembershipOp(null, null, null, Serializers.readStringSet(in), in.readBoolean(), 0);
      default -> throw new IOException("unknown membership op form " + form);
    };
  }

  static void write(ObjectDataOutput out, Membership m) throws IOException {
    out.writeString(m.channel);
    out.writeString(m.userId);
    Serializers.writeStringMap(out, m.connections);
    out.writeLong(m.version);
  }

  static Membership read(ObjectDataInput in) throws IOException {
    String channel = in.readString();
    String userId = in.readString();
    return new Membership(channel, userId, Serializers.readStringMap(in), in.readLong());
  }
}
