package dev.herald.channel;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import dev.herald.cluster.Serializers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Hazelcast's wire form of channel logs and of the entry processors a publish, a delivery and a
 * history read send, in place of Java serialization. In a cluster every publish sends its
 * {@link PublishOp} to the channel's owner, the stored message to the backup and the
 * {@link PublishOp.Published} answer back, then a {@link DeliverOp}; a new subscriber's gateway a
 * {@link ProbeOp}; a log crosses whole when its
 * partition migrates (a member joined or left). The only place that knows their bytes.
 */
public final class ChannelLogSerializers {

  private static final int PUBLISH = 1007;
  private static final int BACKUP = 1008;
  private static final int PUBLISHED = 1009;
  private static final int DELIVER = 1010;
  private static final int LOG = 1011;
  private static final int HISTORY = 1012;
  private static final int PROBE = 1014;

  private ChannelLogSerializers() {
  }

  public static void register(SerializationConfig config) {
    config.addSerializerConfig(Serializers.of(PublishOp.class, PUBLISH, (out, op) -> {
      out.writeLong(op.ts);
      out.writeString(op.from);
      out.writeString(op.data);
      out.writeString(op.traceId);
      out.writeString(op.id);
      writeRetention(out, op.retention);
      out.writeInt(op.idleSeconds);
    }, in -> new PublishOp(in.readLong(), in.readString(), in.readString(), in.readString(), in.readString(), readRetention(in), in.readInt())));
    config.addSerializerConfig(Serializers.of(PublishOp.Backup.class, BACKUP, (out, b) -> {
      out.writeString(b.epoch());
      writeStored(out, b.stored());
      writeRetention(out, b.retention());
      out.writeInt(b.idleSeconds());
    }, in -> new PublishOp.Backup(in.readString(), readStored(in), readRetention(in), in.readInt())));
    config.addSerializerConfig(Serializers.of(PublishOp.Published.class, PUBLISHED, (out, p) -> {
      out.writeString(p.channel());
      out.writeLong(p.seq());
      out.writeString(p.epoch());
      out.writeBoolean(p.duplicate());
    }, in -> new PublishOp.Published(in.readString(), in.readLong(), in.readString(), in.readBoolean())));
    config.addSerializerConfig(Serializers.of(DeliverOp.class, DELIVER, (out, op) -> {
      out.writeLong(op.seq);
      out.writeInt(op.idleSeconds);
    }, in -> new DeliverOp(in.readLong(), in.readInt())));
    config.addSerializerConfig(Serializers.of(HistoryOp.class, HISTORY, (out, op) -> {
      out.writeLong(op.since);
      out.writeInt(op.limit);
      out.writeLong(op.now);
      out.writeLong(op.ttlMs);
      out.writeBoolean(op.latest);
    }, in -> new HistoryOp(in.readLong(), in.readInt(), in.readLong(), in.readLong(), in.readBoolean())));
    config.addSerializerConfig(Serializers.of(ProbeOp.class, PROBE, (out, op) -> out.writeString(op.marker), in -> new ProbeOp(in.readString())));
    config.addSerializerConfig(Serializers.of(ChannelLog.class, LOG, ChannelLogSerializers::writeLog, ChannelLogSerializers::readLog));
  }

  static void writeLog(ObjectDataOutput out, ChannelLog log) throws IOException {
    out.writeString(log.channel());
    out.writeString(log.epoch());
    out.writeLong(log.nextSeq());
    out.writeLong(log.lastPublished());
    out.writeInt(log.size());
    for (ChannelLog.Stored s : log.messages()) {
      writeStored(out, s);
    }
    out.writeInt(log.forgottenCount());
    for (ChannelLog.Forgotten f : log.forgotten()) {
      out.writeString(f.id());
      out.writeLong(f.seq());
      out.writeLong(f.ts());
    }
  }

  static ChannelLog readLog(ObjectDataInput in) throws IOException {
    String channel = in.readString();
    String epoch = in.readString();
    long nextSeq = in.readLong();
    long lastPublished = in.readLong();
    int n = in.readInt();
    List<ChannelLog.Stored> messages = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      messages.add(readStored(in));
    }
    int f = in.readInt();
    List<ChannelLog.Forgotten> forgotten = new ArrayList<>(f);
    for (int i = 0; i < f; i++) {
      forgotten.add(new ChannelLog.Forgotten(in.readString(), in.readLong(), in.readLong()));
    }
    return ChannelLog.restore(channel, epoch, nextSeq, lastPublished, messages, forgotten);
  }

  private static void writeStored(ObjectDataOutput out, ChannelLog.Stored s) throws IOException {
    out.writeLong(s.seq());
    out.writeLong(s.ts());
    out.writeString(s.from());
    out.writeString(s.data());
    out.writeString(s.traceId());
    out.writeString(s.id());
  }

  private static ChannelLog.Stored readStored(ObjectDataInput in) throws IOException {
    return new ChannelLog.Stored(in.readLong(), in.readLong(), in.readString(), in.readString(), in.readString(), in.readString());
  }

  private static void writeRetention(ObjectDataOutput out, ChannelLog.Retention r) throws IOException {
    out.writeInt(r.count());
    out.writeLong(r.bytes());
    out.writeLong(r.ttlMs());
    out.writeLong(r.idempotencyMs());
  }

  private static ChannelLog.Retention readRetention(ObjectDataInput in) throws IOException {
    return new ChannelLog.Retention(in.readInt(), in.readLong(), in.readLong(), in.readLong());
  }
}
