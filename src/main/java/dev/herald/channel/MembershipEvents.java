package dev.herald.channel;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.herald.cluster.ClusterHandle;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.WebhookEvents;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * What follows a change of channel membership, wherever it was made (the service, or the janitor
 * after a node died): the client event on {@code rt.members.<name>}, the channel's occupancy
 * count, and the {@code channel.occupied}/{@code channel.vacated} webhooks. Only the node whose
 * atomic update made the change calls this, so each event is raised once.
 */
final class MembershipEvents {

  /** Channel name to how many users are members; kept to tell occupied and vacated apart. */
  static final String OCCUPANCY_MAP = "herald.occupancy";

  private MembershipEvents() {
  }

  static void membership(Vertx vertx, ClusterHandle cluster, String key, Membership.Change c, String node, String traceId) {
    if (c.event() == null) {
      return;
    }
    JsonObject event = Membership.event(key, c);
    String channel = event.getString("channel");
    vertx.eventBus().publish(Addresses.members(channel), event);
    IMap<String, Integer> occupancy = cluster.hazelcast().getMap(OCCUPANCY_MAP);
    int delta = c.event() == Membership.Event.JOIN ? 1 : -1;
    ClusterHandle.future(occupancy.submitToKey(channel, new Count(delta)), vertx.getOrCreateContext()).onSuccess(after -> {
      if (delta > 0 && after == 1) {
        WebhookEvents.raise(vertx, WebhookEvents.CHANNEL_OCCUPIED, new JsonObject().put("channel", channel).put("userId", event.getString("userId")), node, traceId);
      } else if (delta < 0 && after == 0) {
        WebhookEvents.raise(vertx, WebhookEvents.CHANNEL_VACATED, new JsonObject().put("channel", channel).put("userId", event.getString("userId")), node, traceId);
      }
    });
  }

  /** Adds to a channel's member count; an entry at zero is removed. Returns the count after. */
  record Count(int delta) implements EntryProcessor<String, Integer, Integer> {
    @Override
    public Integer process(Map.Entry<String, Integer> entry) {
      int after = Math.max(0, (entry.getValue() == null ? 0 : entry.getValue()) + delta);
      entry.setValue(after == 0 ? null : after);
      return after;
    }
  }
}
