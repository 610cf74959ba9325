package dev.herald.channel;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import dev.herald.protocol.Addresses;
import io.vertx.core.Vertx;

import java.util.Map;

/**
 * Delivers a channel's messages on {@code rt.channel.<name>} once their store is confirmed: sent by
 * the publishing node after its {@link PublishOp} came back, which Hazelcast answers only once the
 * synchronous backup has the message. It runs on the partition thread that owns the channel, so
 * the messages of a channel go out in seq order from one member, and none goes out that the backup
 * lacks: if the owner dies, the promoted backup has every message a client saw, and never gives
 * one of their seqs to another message. Reads only: no backup of its own.
 */
public final class DeliverOp implements EntryProcessor<String, ChannelLog, Void>, HazelcastInstanceAware, ReadOnly {

  private static final long serialVersionUID = 1L;

  // package-private for its wire form (ChannelLogSerializers)
  final long seq;
  final int idleSeconds;
  private transient HazelcastInstance hazelcast;

  DeliverOp(long seq, int idleSeconds) {
    this.seq = seq;
    this.idleSeconds = idleSeconds;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
    this.hazelcast = hazelcastInstance;
  }

  @Override
  public Void process(Map.Entry<String, ChannelLog> entry) {
    ChannelLog log = entry.getValue();
    Vertx vertx = hazelcast == null ? null : (Vertx) hazelcast.getUserContext().get(PublishOp.VERTX_KEY);
    if (log == null || vertx == null) {
      return null;
    }
    DeliveryMarks marks = DeliveryMarks.of(hazelcast);
    long from = marks.firstToDeliver(log.channel(), log.epoch(), seq);
    if (from > seq) {
      return null;
    }
    String address = Addresses.channel(log.channel());
    for (ChannelLog.Stored s : log.range(from, seq)) {
      vertx.eventBus().publish(address, log.message(s).toJson());
    }
    marks.delivered(log.channel(), log.epoch(), seq, idleSeconds);
    return null;
  }

  @Override
  public EntryProcessor<String, ChannelLog, Void> getBackupProcessor() {
    return null;
  }
}
