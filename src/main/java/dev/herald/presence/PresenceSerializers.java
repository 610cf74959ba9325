package dev.herald.presence;

import com.hazelcast.config.SerializationConfig;
import dev.herald.cluster.Serializers;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Hazelcast's wire form of presence records and of the changes its entry processors answer, in
 * place of Java serialization: a storm of connects answers one {@link PresenceRecord.Change} per
 * user, and reading each back through {@code ObjectInputStream} was 5 % of the node's CPU
 * (docs/benchmarks.md, "Connection cost"). The records stay plain Java; this is the only place
 * that knows their bytes.
 */
public final class PresenceSerializers {

  private static final int RECORD = 1001;
  private static final int CHANGE = 1002;
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
  }

  static void write(ObjectDataOutput out, PresenceRecord r) throws IOException {
    out.writeString(r.userId());
    out.writeByte(r.chosen().ordinal());
    out.writeInt(r.connections().size());
    for (Map.Entry<String, String> e : r.connections().entrySet()) {
      out.writeString(e.getKey());
      out.writeString(e.getValue());
    }
    out.writeLong(r.since());
    out.writeLong(r.lastSeen());
    out.writeLong(r.version());
  }

  static PresenceRecord read(ObjectDataInput in) throws IOException {
    String userId = in.readString();
    Status chosen = STATUSES[in.readByte()];
    int n = in.readInt();
    Map<String, String> connections = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      connections.put(in.readString(), in.readString());
    }
    return new PresenceRecord(userId, chosen, connections, in.readLong(), in.readLong(), in.readLong());
  }
}
