package dev.herald.observability;

import dev.herald.ClusterHandle;
import dev.herald.webhook.WebhookVerticle;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

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
    gauge(r, "herald_channels", "channels with a message log (cluster-wide)", cluster, c -> c.hazelcast().getMap("herald.channels").size());
    gauge(r, "herald_presence_records", "users with a presence record (cluster-wide)", cluster, c -> c.hazelcast().getMap("herald.presence").size());
    gauge(r, "herald_webhook_queue", "webhook events waiting", vertx, v -> webhook(v, "queued"));
    gauge(r, "herald_webhook_delivered", "webhook events delivered since start", vertx, v -> webhook(v, "delivered"));
    gauge(r, "herald_webhook_dropped", "webhook events dropped from a full queue since start", vertx, v -> webhook(v, "dropped"));
    gauge(r, "herald_webhook_circuit_open", "1 while the webhook circuit is open or half-open", vertx,
        v -> Readiness.degraded(v).containsKey("webhook") ? 1 : 0);
  }

  private static double webhook(Vertx vertx, String field) {
    JsonObject s = WebhookVerticle.stats(vertx);
    return s == null ? 0 : s.getLong(field);
  }

  private static <T> void gauge(PrometheusMeterRegistry r, String name, String help, T obj, ToDoubleFunction<T> f) {
    Gauge.builder(name, obj, f).description(help).register(r);
  }
}
