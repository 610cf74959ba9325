package dev.herald.webhook;

import dev.herald.observability.Metrics;
import dev.herald.observability.Readiness;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** The webhook gauges in {@code /metrics}: queue, deliveries, drops, and whether a circuit is open (0 on a node without webhooks). */
public final class WebhookMetrics {

  private WebhookMetrics() {
  }

  public static void register(Vertx vertx) {
    Metrics.gauge(vertx, "herald_webhook_queue", "webhook events waiting", vertx, v -> figure(v, "queued"));
    Metrics.gauge(vertx, "herald_webhook_delivered", "webhook events delivered since start", vertx, v -> figure(v, "delivered"));
    Metrics.gauge(vertx, "herald_webhook_dropped", "webhook events dropped from a full queue since start", vertx, v -> figure(v, "dropped"));
    Metrics.gauge(vertx, "herald_webhook_circuit_open", "1 while the webhook circuit is open or half-open", vertx,
        v -> Readiness.degraded(v).keySet().stream().anyMatch(k -> k.startsWith("webhook")) ? 1 : 0);
  }

  private static double figure(Vertx vertx, String field) {
    JsonObject s = Readiness.figures(vertx, WebhookVerticle.FIGURES);
    return s == null ? 0 : s.getLong(field);
  }
}
