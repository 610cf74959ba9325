package dev.herald.observability;

import com.hazelcast.map.IMap;
import dev.herald.ClusterHandle;
import dev.herald.broadcast.BroadcastVerticle;
import dev.herald.broadcast.ChannelLog;
import dev.herald.presence.PresenceRecord;
import dev.herald.presence.PresenceVerticle;
import dev.herald.webhook.WebhookVerticle;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.ToDoubleFunction;

/**
 * The node-level gauges of {@code /metrics}: connections and subscriptions (from the gateways'
 * reports), cluster members, Herald's maps' sizes (channels with a log, presence records), and
 * the webhook queue and circuit. Counters live where their events happen (the bridge, the webhook
 * verticle).
 */
public final class NodeMetrics {

  private NodeMetrics() {
  }

  public static void register(Vertx vertx, String node, ClusterHandle cluster) {
    PrometheusMeterRegistry r = Metrics.create(vertx, node);
    gauge(r, "herald_connections_open", "client connections open on this node", vertx, v -> NodeLoad.local(v).getInteger("connections"));
    gauge(r, "herald_subscribed_addresses", "addresses with local subscribers on this node", vertx,
        v -> NodeLoad.local(v).getInteger("subscriptions"));
    gauge(r, "herald_cluster_members", "members of the cluster", cluster, c -> c.hazelcast().getCluster().getMembers().size());
    // cluster-wide figures cost a round of the cluster: computed every 10 s off the event loop, not per scrape
    AtomicLongArray figures = new AtomicLongArray(4);
    gauge(r, "herald_channels", "channels with a message log (cluster-wide)", figures, f -> f.get(0));
    gauge(r, "herald_history_messages", "messages kept in channel histories (cluster-wide)", figures, f -> f.get(1));
    gauge(r, "herald_presence_records", "users with a presence record (cluster-wide)", figures, f -> f.get(2));
    gauge(r, "herald_presence_online", "users online (cluster-wide)", figures, f -> f.get(3));
    Runnable refresh = () -> vertx.executeBlocking(() -> {
      IMap<String, ChannelLog> channels = cluster.hazelcast().getMap(BroadcastVerticle.MAP);
      IMap<String, PresenceRecord> presence = cluster.hazelcast().getMap(PresenceVerticle.MAP);
      figures.set(0, channels.size());
      figures.set(1, channels.aggregate(new ClusterFigures.HistoryMessages()));
      figures.set(2, presence.size());
      figures.set(3, presence.aggregate(new ClusterFigures.OnlineUsers()));
      return null;
    }, false);
    refresh.run();
    vertx.setPeriodic(10_000, id -> refresh.run());
    gauge(r, "herald_webhook_queue", "webhook events waiting", vertx, v -> webhook(v, "queued"));
    gauge(r, "herald_webhook_delivered", "webhook events delivered since start", vertx, v -> webhook(v, "delivered"));
    gauge(r, "herald_webhook_dropped", "webhook events dropped from a full queue since start", vertx, v -> webhook(v, "dropped"));
    gauge(r, "herald_webhook_circuit_open", "1 while the webhook circuit is open or half-open", vertx,
        v -> Readiness.degraded(v).keySet().stream().anyMatch(k -> k.startsWith("webhook")) ? 1 : 0);
  }

  private static double webhook(Vertx vertx, String field) {
    JsonObject s = WebhookVerticle.stats(vertx);
    return s == null ? 0 : s.getLong(field);
  }

  private static <T> void gauge(PrometheusMeterRegistry r, String name, String help, T obj, ToDoubleFunction<T> f) {
    Gauge.builder(name, obj, f).description(help).register(r);
  }
}
