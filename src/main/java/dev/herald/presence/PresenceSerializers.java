package dev.herald.presence;

import com.hazelcast.config.SerializationConfig;
import dev.herald.cluster.Serializers;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;

import java.io.IOException;
import java.util.Map;

/**
 * Hazelcast's wire form of presence records, of the entry processor that changes them and of the
 * changes it answers, in place of Java serialization: a storm of connects answers one
 * {@link PresenceRecord.Change} per user, and reading each back through {@code ObjectInputStream}
 * was 5 % of the node's CPU; with another member holding backups, every {@link PresenceOp} is sent
 * again with its backup (docs/benchmarks-log.md, "Connection cost"). The records stay plain Java;
 * this is the only place that knows their bytes.
 */
public final class PresenceSerializers {

  private static final int RECORD = 1001;
  private static final int CHANGE = 1002;
  private static final int OP = 1005;
  private static final PresenceOp.Kind[] KINDS = PresenceOp.Kind.values();
  private static final Status[] STATUSES = Status.values();

  private PresenceSerializers() {
  }

  public static void register(SerializationConfig config) {
    config.addSerializerConfig(Serializers.of(PresenceRecord.class, RECORD, PresenceSerializers::write, PresenceSerializers::read));
    config.addSerializerConfig(Serializers.of(PresenceRecord.Change.class, CHANGE, (out, c) -> {
      write(out, c.next());
      out.writeByte(c.previous() == null ? -1 : c.previous().ordinal());
    }, in -> {
      PresenceRecord next = read(in);
      byte previous = in.readByte();
      return new PresenceRecord.Change(next, previous < 0 ? null : STATUSES[previous]);
    }));
    config.addSerializerConfig(Serializers.of(PresenceOp.class, OP, PresenceSerializers::writeOp, PresenceSerializers::readOp));
  }

  static void writeOp(ObjectDataOutput out, PresenceOp op) throws IOException {
    out.writeByte(op.kind.ordinal());
    out.writeLong(op.now);
    out.writeInt(op.offlineTtlSeconds);
    switch (op.kind) {
      case CONNECT -> {
        out.writeString(op.nodeId);
        Serializers.writeStringLists(out, op.connections);
      }
      case DISCONNECT -> Serializers.writeStringLists(out, op.connections);
      case CHOOSE -> out.writeByte(op.status.ordinal());
      case DROP_NODES, KEEP_NODES -> Serializers.writeStrings(out, op.nodes);
    }
  }

  static PresenceOp readOp(ObjectDataInput in) throws IOException {
    PresenceOp.Kind kind = KINDS[in.readByte()];
    long now = in.readLong();
    int offlineTtlSeconds = in.readInt();
    PresenceOp op = switch (kind) {
      case CONNECT -> {
        String nodeId = in.readString();
        yield new PresenceOp(kind, Serializers.readStringLists(in), nodeId, null, null, now);
      }
      case DISCONNECT -> new PresenceOp(kind, Serializers.readStringLists(in), null, null, null, now);
      case CHOOSE -> new PresenceOp(kind, null, null, STATUSES[in.readByte()], null, now);
      case DROP_NODES, KEEP_NODES -> new PresenceOp(kind, null, null, null, Serializers.readStringSet(in), now);
    };
    return op.offlineFor(offlineTtlSeconds);
  }

  static void write(ObjectDataOutput out, PresenceRecord r) throws IOException {
    out.writeString(r.userId());
    out.writeByte(r.chosen().ordinal());
    Serializers.writeStringMap(out, r.connections());
    out.writeLong(r.since());
    out.writeLong(r.lastSeen());
    out.writeLong(r.version());
  }

  static PresenceRecord read(ObjectDataInput in) throws IOException {
    String userId = in.readString();
    Status chosen = STATUSES[in.readByte()];
    Map<String, String> connections = Serializers.readStringMap(in);
    return new PresenceRecord(userId, chosen, connections, in.readLong(), in.readLong(), in.readLong());
  }
}
