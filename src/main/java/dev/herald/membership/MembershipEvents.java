package dev.herald.membership;

import dev.herald.bus.Webhooks;
import dev.herald.cluster.Structures;
import dev.herald.config.NamespacesConfig;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.herald.cluster.ClusterHandle;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.WebhookEvents;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What follows changes of channel membership, wherever they were made (the service, or the janitor
 * after a node died): the client event on {@code rt.members.<name>}, the channel's occupancy
 * count, and the {@code channel.occupied}/{@code channel.vacated} webhooks. Only the node whose
 * atomic update made a change calls this, so each event is raised once.
 */
final class MembershipEvents {

  private MembershipEvents() {
  }

  /**
   * A batch of changes ({@link Membership#key} to change, in the order made): each member event,
   * then one occupancy update per channel for the whole batch (a storm of joins to one channel
   * would otherwise queue one update per join on that channel's key, with its backup), and the
   * webhook when the channel went from empty to occupied (raised for its first joiner in the
   * batch) or back (its last leaver); {@code traceOf} gives each key's trace id; with
   * {@code joinWebhooks}, a {@code channel.join} or {@code channel.leave} webhook per member event
   * (neither, nor the client event, in a namespace without join/leave).
   */
  static void memberships(Vertx vertx, ClusterHandle cluster, Map<String, Membership.Change> changes, String node,
                          Function<String, String> traceOf, boolean joinWebhooks, NamespacesConfig namespaces) {
    Map<String, Tally> tallies = new LinkedHashMap<>();
    changes.forEach((key, c) -> {
      if (c.event() != null) {
        String channel = Membership.channelOf(key);
        boolean joinLeave = namespaces.of(channel).joinLeave();
        if (joinLeave) {
          vertx.eventBus().publish(Addresses.members(channel), Membership.event(key, c));
        }
        // named by the change: raised again after a failover, it keeps its id; only when asked for
        // (webhook.events): one per subscription, a connect storm's worth of bus sends otherwise
        if (joinWebhooks && joinLeave) Webhooks.raise(vertx, c.event() == Membership.Event.JOIN ? WebhookEvents.CHANNEL_JOIN : WebhookEvents.CHANNEL_LEAVE,
            new JsonObject().put("channel", channel).put("userId", Membership.userOf(key)).put("version", c.version()), node,
            traceOf.apply(key), key + "/" + c.version());
        tallies.computeIfAbsent(channel, ch -> new Tally()).add(key, c.event(), c.version());
      }
    });
    if (tallies.isEmpty()) {
      return;
    }
    IMap<String, Integer> occupancy = cluster.hazelcast().getMap(Structures.OCCUPANCY);
    Context context = vertx.getOrCreateContext();
    tallies.forEach((channel, t) -> {
      if (t.delta == 0) {
        return;
      }
      ClusterHandle.future(occupancy.submitToKey(channel, new Count(t.delta)), context).onSuccess(counts -> {
        String type = t.webhook(counts[0], counts[1]);
        if (type != null) {
          String key = type.equals(WebhookEvents.CHANNEL_OCCUPIED) ? t.firstJoin : t.lastLeave;
          Webhooks.raise(vertx, type, new JsonObject().put("channel", channel).put("userId", Membership.userOf(key)), node,
              traceOf.apply(key), t.cause(type));
        }
      });
    });
  }

  /** One channel's share of a batch of changes: the net change of its member count, and who to name in a webhook. Pure. */
  static final class Tally {
    int delta;
    /** The key of the first join and of the last leave in the batch (null if none), and their versions. */
    String firstJoin;
    String lastLeave;
    long firstJoinVersion;
    long lastLeaveVersion;

    void add(String key, Membership.Event event, long version) {
      if (event == Membership.Event.JOIN) {
        delta++;
        if (firstJoin == null) {
          firstJoin = key;
          firstJoinVersion = version;
        }
      } else {
        delta--;
        lastLeave = key;
        lastLeaveVersion = version;
      }
    }

    /**
     * What names the change behind a webhook of {@code type}: the membership change (key and
     * version) that occupied or vacated the channel. The same change raised again by another node
     * after a failover names the same, so its event keeps its id ({@link WebhookEvents#event}).
     */
    String cause(String type) {
      return type.equals(WebhookEvents.CHANNEL_OCCUPIED) ? firstJoin + "/" + firstJoinVersion : lastLeave + "/" + lastLeaveVersion;
    }

    /** The webhook a count going from {@code before} to {@code after} calls for, or null. */
    String webhook(int before, int after) {
      if (before == 0 && after > 0 && firstJoin != null) {
        return WebhookEvents.CHANNEL_OCCUPIED;
      }
      if (before > 0 && after == 0 && lastLeave != null) {
        return WebhookEvents.CHANNEL_VACATED;
      }
      return null;
    }
  }

  /**
   * Adds to a channel's member count; an entry at zero is removed, and a count never goes below
   * zero (a late leave). Returns the count before and after, {@code [before, after]}.
   */
  record Count(int delta) implements EntryProcessor<String, Integer, int[]> {
    @Override
    public int[] process(Map.Entry<String, Integer> entry) {
      int before = entry.getValue() == null ? 0 : entry.getValue();
      int after = Math.max(0, before + delta);
      entry.setValue(after == 0 ? null : after);
      return new int[] {before, after};
    }
  }
}
