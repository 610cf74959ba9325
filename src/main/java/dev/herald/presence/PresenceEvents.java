package dev.herald.presence;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.herald.ClusterHandle;
import dev.herald.bus.Addresses;
import dev.herald.webhook.WebhookEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * What follows a change of presence or membership, wherever it was made (a service, or the
 * janitor after a node died): the client events, and the webhook events. Only the node whose
 * atomic update made the change calls these, so each event is raised once.
 */
final class PresenceEvents {

  /** Channel name to how many users are members; kept to tell occupied and vacated apart. */
  static final String OCCUPANCY_MAP = "herald.occupancy";

  private PresenceEvents() {
  }

  static void presence(Vertx vertx, PresenceRecord.Change c, String node, String traceId) {
    if (!c.changed()) {
      return;
    }
    PresenceRecord r = c.next();
    vertx.eventBus().publish(Addresses.presenceUser(r.userId()), c.event());
    if (c.previous() == Status.OFFLINE) {
      WebhookEvents.raise(vertx, WebhookEvents.USER_ONLINE, r.toJson(), node, traceId);
    } else if (r.status() == Status.OFFLINE) {
      WebhookEvents.raise(vertx, WebhookEvents.USER_OFFLINE, r.toJson(), node, traceId);
    }
  }

  static void membership(Vertx vertx, ClusterHandle cluster, String key, Membership.Change c, String node, String traceId) {
    if (c.event() == null) {
      return;
    }
    JsonObject event = Membership.event(key, c.event());
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
