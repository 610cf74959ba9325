package dev.herald.channel;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Assigns a channel message its seq and stores it, on the partition thread that owns the channel:
 * one thread per partition runs these one at a time, so seqs follow the order publishes reached
 * the owner, whichever node they came from. The backup copy gets the same message with the same
 * seq. Nothing is delivered here: the owner could die before its backup has the message, and a
 * client would have seen a seq the promoted backup then gives to another message. The publisher
 * delivers with {@link DeliverOp} once this operation came back (after the backup acknowledged).
 * A repeat (the same id) stores nothing, and sends the stored message to the backup again.
 */
public final class PublishOp implements EntryProcessor<String, ChannelLog, PublishOp.Published>, HazelcastInstanceAware {

  private static final long serialVersionUID = 1L;

  /** What the publisher is told: the message's place in its channel; {@code duplicate} when its id was already there. */
  public record Published(String channel, long seq, String epoch, boolean duplicate) implements java.io.Serializable {
  }

  /** Where the node leaves its Vert.x in the Hazelcast user context (for {@link DeliverOp}). */
  public static final String VERTX_KEY = "herald.vertx";

  // package-private for its wire form (ChannelLogSerializers)
  final long ts;
  final String from;
  final String data;
  final String traceId;
  final String id;
  final ChannelLog.Retention retention;
  final int idleSeconds;
  private transient ChannelLog.Stored stored;
  private transient HazelcastInstance hazelcast;
  private transient String epoch;

  /** @param idleSeconds the channel's log expires this long after its last message (broadcast.channelIdleSeconds) */
  public PublishOp(long ts, String from, String data, String traceId, String id, ChannelLog.Retention retention, int idleSeconds) {
    this.ts = ts;
    this.from = from;
    this.data = data;
    this.traceId = traceId;
    this.id = id;
    this.retention = retention;
    this.idleSeconds = idleSeconds;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
    this.hazelcast = hazelcastInstance;
  }

  @Override
  public Published process(Map.Entry<String, ChannelLog> entry) {
    ChannelLog log = entry.getValue();
    if (log == null) {
      log = new ChannelLog(entry.getKey(), UUID.randomUUID().toString());
      if (hazelcast != null) {
        // nothing of this new log went out yet: deliveries start at seq 1, whichever confirmation comes first
        DeliveryMarks.of(hazelcast).delivered(log.channel(), log.epoch(), 0, idleSeconds);
      }
    }
    long before = log.nextSeq();
    // what this owner has not delivered yet stays in the log until it has (DeliverOp reads it there)
    long undelivered = hazelcast == null ? Long.MAX_VALUE : DeliveryMarks.of(hazelcast).undeliveredFrom(log.channel(), log.epoch());
    ChannelLog.Stored s = log.append(ts, from, data, traceId, id, retention, undelivered);
    epoch = log.epoch();
    stored = s;
    if (log.nextSeq() == before) {
      // a repeat of a message still in the history (a publisher's retry, or Hazelcast's own retry
      // of this operation): nothing new is stored, but the message goes to the backup again, and
      // this completes only once the backup has it. The first try may have been answered for lack
      // of its backup's ack (a publish timeout): acknowledging the repeat at once would confirm a
      // message only this member may hold
      return new Published(log.channel(), s.seq(), epoch, true);
    }
    keep(entry, log, idleSeconds);
    return new Published(log.channel(), stored.seq(), epoch, false);
  }

  @Override
  public EntryProcessor<String, ChannelLog, Published> getBackupProcessor() {
    return stored == null ? null : new Backup(epoch, stored, retention, idleSeconds);
  }

  /** Applies the primary's message, with its seq and epoch, to the backup copy. */
  record Backup(String epoch, ChannelLog.Stored stored, ChannelLog.Retention retention, int idleSeconds)
      implements EntryProcessor<String, ChannelLog, Published> {

    @Override
    public Published process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue() != null ? entry.getValue() : new ChannelLog(entry.getKey(), epoch);
      log.replay(stored, retention);
      keep(entry, log, idleSeconds);
      return null;
    }
  }

  /**
   * Stores the log with its time to live set again: a channel expires {@code idleSeconds} after
   * its last message (a TTL, not Hazelcast's max-idle, which every read and every budget check
   * would renew). Its next message then makes a new log, in a new epoch.
   */
  private static void keep(Map.Entry<String, ChannelLog> entry, ChannelLog log, int idleSeconds) {
    if (entry instanceof ExtendedMapEntry<String, ChannelLog> e) {
      e.setValue(log, idleSeconds, TimeUnit.SECONDS);
    } else {
      entry.setValue(log);
    }
  }
}
