package dev.herald.webhook;

import dev.herald.bus.Addresses;
import dev.herald.bus.Headers;
import dev.herald.config.HeraldConfig;
import dev.herald.config.WebhookConfig;
import dev.herald.observability.Readiness;
import dev.herald.observability.Trace;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.RetryPolicy;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends webhook events to {@code webhook.url}, one at a time and in the order they were raised
 * on this node (so per user in order), each signed with HMAC-SHA256 of its body. Every call goes
 * through a {@link CircuitBreaker} (timeout, retries with exponential delay and jitter, open after
 * {@code maxFailures}, a half-open probe after {@code resetTimeoutMs}). While it fails, events wait
 * in a bounded queue; the oldest beyond {@code queueSize} is dropped and counted. Nothing here
 * blocks presence or delivery: events arrive fire-and-forget. One instance per node.
 */
public final class WebhookVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookVerticle.class);
  private static final long RETRY_MS = 250;
  private static final String STATS = "herald.webhook.stats";

  private record Pending(JsonObject event, String traceId) {
  }

  private final WebhookConfig config;
  private final String node;
  private WebhookQueue<Pending> queue;
  private HttpClient client;
  private CircuitBreaker breaker;
  private boolean sending;
  private long retryTimer = -1;
  private long delivered;

  public WebhookVerticle(HeraldConfig config) {
    this.config = config.webhook();
    this.node = config.node().name();
  }

  @Override
  public Future<?> start() {
    queue = new WebhookQueue<>(config.queueSize());
    client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(config.timeoutMs()));
    breaker = CircuitBreaker.create("herald-webhook", vertx, new CircuitBreakerOptions()
            .setMaxFailures(config.maxFailures())
            .setMaxRetries(config.maxRetries())
            .setTimeout(config.timeoutMs())
            .setResetTimeout(config.resetTimeoutMs()))
        .retryPolicy(RetryPolicy.exponentialDelayWithJitter(50, 1000))
        .openHandler(v -> breakerState("open"))
        .halfOpenHandler(v -> breakerState("half_open"))
        .closeHandler(v -> breakerState("closed"));
    return vertx.eventBus().<JsonObject>consumer(Addresses.WEBHOOK_EVENT, this::onEvent).completion();
  }

  private void onEvent(Message<JsonObject> msg) {
    Pending dropped = queue.add(new Pending(msg.body(), msg.headers().get(Headers.TRACE_ID)), sending);
    msg.reply(null);
    if (dropped != null) {
      LOG.warn("webhook queue full ({}): dropped {} {} ({} dropped so far)", config.queueSize(),
          dropped.event().getString("type"), dropped.event().getString("id"), queue.dropped());
    }
    pump();
  }

  private void pump() {
    report();
    if (sending || queue.size() == 0) {
      return;
    }
    Pending next = queue.peek();
    sending = true;
    breaker.<Void>execute(() -> post(next)).onComplete(ar -> {
      sending = false;
      if (ar.succeeded()) {
        Trace.with(LOG.atDebug(), next.traceId()).log("webhook {} {} delivered", next.event().getString("type"), next.event().getString("id"));
        queue.sent(next);
        delivered++;
        pump();
      } else {
        Trace.with(LOG.atDebug(), next.traceId()).log("webhook {} {} not delivered: {}", next.event().getString("type"),
            next.event().getString("id"), ar.cause().getMessage());
        retryLater();
      }
    });
  }

  private void retryLater() {
    if (retryTimer < 0) {
      retryTimer = vertx.setTimer(RETRY_MS, id -> {
        retryTimer = -1;
        pump();
      });
    }
  }

  private Future<Void> post(Pending p) {
    Buffer body = p.event().toBuffer();
    RequestOptions req = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(config.url())
        .setIdleTimeout(config.timeoutMs())
        .putHeader("Content-Type", "application/json")
        .putHeader(WebhookEvents.SIGNATURE_HEADER, WebhookEvents.sign(config.secret(), body.getBytes()))
        .putHeader("X-Herald-Event", p.event().getString("type"))
        .putHeader("X-Herald-Id", p.event().getString("id"))
        .putHeader("X-Herald-Node", node);
    if (p.traceId() != null) {
      req.putHeader("X-Trace-Id", p.traceId());
    }
    return client.request(req)
        .compose(r -> r.send(body))
        .compose(resp -> resp.body().compose(b -> resp.statusCode() / 100 == 2
            ? Future.<Void>succeededFuture()
            : Future.failedFuture("webhook answered " + resp.statusCode())));
  }

  private void breakerState(String state) {
    LOG.warn("webhook circuit {} ({} queued, {} delivered, {} dropped)", state, queue.size(), delivered, queue.dropped());
    Readiness.dependency(vertx, "webhook", state.equals("closed") ? null : state);
    report();
    vertx.eventBus().publish(Addresses.WEBHOOK_BREAKER, new JsonObject().put("node", node).put("state", state));
  }

  /** Keeps this node's webhook figures where /ready (and /metrics) read them. */
  private void report() {
    vertx.sharedData().getLocalMap(STATS).put("webhook", new JsonObject().put("queued", queue.size()).put("delivered", delivered)
        .put("dropped", queue.dropped()).put("state", breaker.state().name().toLowerCase(java.util.Locale.ROOT)));
  }

  /** This node's webhook figures ({@code queued, delivered, dropped, state}), or null without a webhook verticle. */
  public static JsonObject stats(io.vertx.core.Vertx vertx) {
    return vertx.sharedData().<String, JsonObject>getLocalMap(STATS).get("webhook");
  }
}
