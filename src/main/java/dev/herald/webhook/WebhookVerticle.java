package dev.herald.webhook;

import dev.herald.bus.Webhooks;
import dev.herald.config.HeraldConfig;
import dev.herald.config.WebhookConfig;
import dev.herald.observability.Readiness;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.Headers;
import dev.herald.protocol.message.WebhookBreaker;
import dev.herald.protocol.message.WebhookEvent;
import dev.herald.protocol.WebhookEvents;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Sends webhook events to every URL of {@code webhook.urls}, each through its own
 * {@link WebhookSender} (circuit breaker, bounded queue), in the order they were raised on this
 * node. Events arrive fire-and-forget, so nothing here ever blocks presence or delivery. Circuit
 * changes are published on {@link Addresses#WEBHOOK_BREAKER}. One instance per node.
 */
public final class WebhookVerticle extends VerticleBase {

  /** Where /ready and /metrics find this node's webhook figures ({@code queued, delivered, dropped}). */
  public static final String FIGURES = "webhook";

  private final WebhookConfig config;
  private final String node;
  private final List<WebhookSender> senders = new ArrayList<>();

  public WebhookVerticle(HeraldConfig config) {
    this.config = config.webhook();
    this.node = config.node().name();
  }

  @Override
  public Future<?> start() {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(config.timeoutMs()));
    for (String url : config.urls()) {
      senders.add(new WebhookSender(vertx, client, config, url, node, state -> {
        vertx.eventBus().publish(Addresses.WEBHOOK_BREAKER, new WebhookBreaker(node, WebhookSender.redact(url), state).toJson());
        report();
      }));
    }
    report();
    // deliveries and retries change the figures too, on the senders' own schedule: keep them current
    vertx.setPeriodic(1000, id -> report());
    return vertx.eventBus().<JsonObject>consumer(Addresses.WEBHOOK_EVENT, this::onEvent).completion()
        .onSuccess(v -> Webhooks.servedHere(vertx, true));
  }

  @Override
  public Future<?> stop() {
    Webhooks.servedHere(vertx, false);
    return Future.succeededFuture();
  }

  private void onEvent(Message<JsonObject> msg) {
    WebhookEvent event = WebhookEvent.fromJson(msg.body());
    if (!config.events().contains(event.type())) {
      return; // a type the receivers did not ask for (webhook.events)
    }
    WebhookSender.Pending p = new WebhookSender.Pending(event, msg.headers().get(Headers.TRACE_ID));
    senders.forEach(s -> s.offer(p));
    report();
  }

  /** Keeps this node's webhook figures, summed over its receivers, where /ready and /metrics read them. */
  private void report() {
    long queued = 0;
    long delivered = 0;
    long dropped = 0;
    for (WebhookSender s : senders) {
      queued += s.queued();
      delivered += s.delivered();
      dropped += s.dropped();
    }
    Readiness.figures(vertx, FIGURES, new JsonObject().put("queued", queued).put("delivered", delivered).put("dropped", dropped));
  }
}
