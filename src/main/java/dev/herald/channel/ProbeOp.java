package dev.herald.channel;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import dev.herald.protocol.Addresses;
import io.vertx.core.Vertx;

import java.util.Map;

/**
 * Publishes a probe's marker on {@code rt.channel.<name>} from where {@link DeliverOp} publishes the
 * channel's messages: the owner's partition thread, through the owner's Vert.x and so its cached
 * list of the address's registrations. That cache follows the cluster's registration map a moment
 * late (Hazelcast entry events, taken one address at a time), so a gateway that just registered the
 * address may not be in it yet; once the marker reached that gateway, every later delivery does too.
 * Runs on a channel with no log as well, and creates none.
 */
public final class ProbeOp implements EntryProcessor<String, ChannelLog, Void>, HazelcastInstanceAware, ReadOnly {

  private static final long serialVersionUID = 1L;

  // package-private for its wire form (ChannelLogSerializers)
  final String marker;
  private transient HazelcastInstance hazelcast;

  ProbeOp(String marker) {
    this.marker = marker;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
    this.hazelcast = hazelcastInstance;
  }

  @Override
  public Void process(Map.Entry<String, ChannelLog> entry) {
    Vertx vertx = hazelcast == null ? null : (Vertx) hazelcast.getUserContext().get(PublishOp.VERTX_KEY);
    if (vertx != null) {
      vertx.eventBus().publish(Addresses.channel(entry.getKey()), marker);
    }
    return null;
  }

  @Override
  public EntryProcessor<String, ChannelLog, Void> getBackupProcessor() {
    return null;
  }
}
