package dev.herald.bus;

import dev.herald.protocol.Addresses;
import dev.herald.protocol.Headers;
import dev.herald.protocol.message.WebhookEvent;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * How a feature raises a webhook event ({@link WebhookEvent}): where the change happened, exactly
 * once, by the node whose atomic update changed the state.
 */
public final class Webhooks {

  /** The node-local map (and its key) that says this node runs a webhook verticle. */
  private static final String SERVED = "herald.webhook.served";

  private Webhooks() {
  }

  /**
   * Hands an event to a webhook verticle, this node's if it runs one ({@link #servedHere}), else
   * any node's. Fire and forget: presence and delivery never wait for webhooks, and with no webhook
   * verticle anywhere the event goes nowhere. A send, not a request: a request with a reply, tried
   * locally first, cost two failed requests per event (a reply handler, a random reply address, a
   * timer each) on nodes that run none (docs/benchmarks-log.md, "What a storm onto two nodes costs").
   * {@code key} names the change ({@link WebhookEvent#of}).
   */
  public static void raise(Vertx vertx, String type, JsonObject data, String node, String traceId, String key) {
    DeliveryOptions opts = new DeliveryOptions().setLocalOnly(vertx.sharedData().getLocalMap(SERVED).containsKey(SERVED));
    if (traceId != null) {
      opts.addHeader(Headers.TRACE_ID, traceId);
    }
    vertx.eventBus().send(Addresses.WEBHOOK_EVENT, WebhookEvent.of(type, data, node, System.currentTimeMillis(), key).toJson(), opts);
  }

  /**
   * Whether this node's webhook verticle takes the events raised here: set once its consumer is
   * registered, cleared when it stops.
   */
  public static void servedHere(Vertx vertx, boolean served) {
    if (served) {
      vertx.sharedData().getLocalMap(SERVED).put(SERVED, true);
    } else {
      vertx.sharedData().getLocalMap(SERVED).remove(SERVED);
    }
  }
}
