package dev.herald.webhook;

import dev.herald.protocol.WebhookEvents;
import dev.herald.protocol.message.WebhookEvent;
import dev.herald.config.WebhookConfig;
import dev.herald.observability.Readiness;
import dev.herald.observability.Trace;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.RetryPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Sends events to one receiver, one at a time, in the order given, each signed, through its own
 * {@link CircuitBreaker}; while it fails they wait in a bounded {@link WebhookQueue}.
 */
final class WebhookSender {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
  private static final long RETRY_MS = 250;

  record Pending(WebhookEvent event, String traceId) {
  }

  private final Vertx vertx;
  private final WebhookConfig config;
  private final String url;
  /** The URL as logs and /ready show it: no credentials, no query (where keys often ride). */
  final String name;
  private final String node;
  private final HttpClient client;
  private final WebhookQueue<Pending> queue;
  private final CircuitBreaker breaker;
  private final Consumer<String> onState;
  private boolean sending;
  private long retryTimer = -1;
  private long delivered;

  WebhookSender(Vertx vertx, HttpClient client, WebhookConfig config, String url, String node, Consumer<String> onState) {
    this.vertx = vertx;
    this.client = client;
    this.config = config;
    this.url = url;
    this.name = redact(url);
    this.node = node;
    this.onState = onState;
    this.queue = new WebhookQueue<>(config.queueSize());
    this.breaker = CircuitBreaker.create("herald-webhook " + name, vertx, new CircuitBreakerOptions()
            .setMaxFailures(config.maxFailures())
            .setMaxRetries(config.maxRetries())
            .setTimeout(config.timeoutMs())
            .setResetTimeout(config.resetTimeoutMs()))
        .retryPolicy(RetryPolicy.exponentialDelayWithJitter(50, 1000))
        .openHandler(v -> state("open"))
        .halfOpenHandler(v -> state("half_open"))
        .closeHandler(v -> state("closed"));
  }

  void offer(Pending p) {
    Pending dropped = queue.add(p, sending);
    if (dropped != null) {
      LOG.warn("webhook queue for {} full ({}): dropped {} {} ({} dropped so far)", name, config.queueSize(),
          dropped.event().type(), dropped.event().id(), queue.dropped());
    }
    pump();
  }

  private void pump() {
    if (sending || queue.size() == 0) {
      return;
    }
    Pending next = queue.peek();
    sending = true;
    breaker.<Void>execute(() -> post(next)).onComplete(ar -> {
      sending = false;
      if (ar.succeeded()) {
        Trace.with(LOG.atDebug(), next.traceId()).log("webhook {} {} delivered to {}", next.event().type(), next.event().id(), name);
        queue.sent(next);
        delivered++;
        pump();
      } else {
        Trace.with(LOG.atDebug(), next.traceId()).log("webhook {} {} not delivered to {}: {}", next.event().type(),
            next.event().id(), name, ar.cause().getMessage());
        if (retryTimer < 0) {
          retryTimer = vertx.setTimer(RETRY_MS, id -> {
            retryTimer = -1;
            pump();
          });
        }
      }
    });
  }

  private Future<Void> post(Pending p) {
    Buffer body = p.event().toJson().toBuffer();
    RequestOptions req = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .setIdleTimeout(config.timeoutMs())
        .putHeader("Content-Type", "application/json")
        .putHeader(WebhookEvents.SIGNATURE_HEADER, WebhookEvents.sign(config.secret(), body.getBytes()))
        .putHeader("X-Herald-Event", p.event().type())
        .putHeader("X-Herald-Id", p.event().id())
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

  private void state(String state) {
    LOG.warn("webhook circuit for {} {} ({} queued, {} delivered, {} dropped)", name, state, queue.size(), delivered, queue.dropped());
    Readiness.dependency(vertx, "webhook " + name, state.equals("closed") ? null : state);
    onState.accept(state);
  }

  /** {@code scheme://host[:port]/path} of {@code url}: user info and query left out. */
  static String redact(String url) {
    try {
      java.net.URI u = new java.net.URI(url);
      return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + (u.getRawPath() == null ? "" : u.getRawPath());
    } catch (java.net.URISyntaxException e) {
      return "(unparsable webhook url)";
    }
  }

  long queued() {
    return queue.size();
  }

  long delivered() {
    return delivered;
  }

  long dropped() {
    return queue.dropped();
  }
}
