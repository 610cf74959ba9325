package dev.herald.proxy;

import dev.herald.bus.Guarded;
import dev.herald.config.ProxyConfig;
import dev.herald.observability.Metrics;
import dev.herald.observability.Readiness;
import dev.herald.observability.Trace;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Headers;
import dev.herald.protocol.WebhookEvents;
import dev.herald.protocol.message.ProxyCalls;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.circuitbreaker.TimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The proxy service: asks the backend what Herald cannot decide from a token (docs/protocol.md,
 * "Backend proxies"). Each call is a POST of the request record as JSON, bounded three ways: the
 * proxy's timeout, a circuit breaker per proxy (failures in a row open it, and calls then fail at
 * once until a probe succeeds), and {@code proxy.maxConcurrent} calls in flight on the node. A
 * backend's refusal ({@code "error"}) is an answer, not a failure: it reaches the client as it is
 * and does not count towards opening the circuit. Anything else that is not a {@code "result"}
 * (down, slow, a 500, garbage, too long) is 5030 {@code unavailable}.
 */
public final class ProxyVerticle extends VerticleBase {

  enum Kind { CONNECT, SUBSCRIBE, PUBLISH, RPC, REFRESH }

  private static final Logger LOG = LoggerFactory.getLogger(ProxyVerticle.class);

  private final ProxyConfig config;
  private final Map<Kind, Proxy> proxies = new EnumMap<>(Kind.class);
  private HttpClient http;
  /** Calls in flight by proxy: each has its own share, so a flood of one (RPC, say) cannot starve the others (connects). */
  private final Map<Kind, Integer> inFlight = new EnumMap<>(Kind.class);
  private Counter overLimit;

  /** One configured proxy: where, its breaker, its metrics. */
  private record Proxy(Kind kind, ProxyConfig.Endpoint endpoint, CircuitBreaker breaker, Timer latency, Map<String, Counter> outcomes) {
    void count(String outcome) {
      outcomes.get(outcome).increment();
    }
  }

  /** A call's end that is not a failure of the backend: its result, or its refusal. */
  private record Answer(JsonObject result, ReplyException refusal) {
  }

  public ProxyVerticle(ProxyConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    if (config.any() && config.secret() == null) {
      LOG.warn("proxy.secret is not set: the backend cannot tell Herald's proxy calls from anyone else's; set it, or keep the backend's proxy endpoints where only Herald reaches them");
    }
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(config.maxConcurrent()));
    overLimit = Metrics.counter(vertx, "herald_proxy_over_limit", "backend calls refused at once: proxy.maxConcurrent calls were in flight");
    add(Kind.CONNECT, config.connect());
    add(Kind.SUBSCRIBE, config.subscribe());
    add(Kind.PUBLISH, config.publish());
    add(Kind.RPC, config.rpc());
    add(Kind.REFRESH, config.refresh());
    var eb = vertx.eventBus();
    return Future.join(
        eb.<JsonObject>localConsumer(Addresses.PROXY_CONNECT, Guarded.handler(Addresses.PROXY_CONNECT, m -> ask(Kind.CONNECT, m.body(), m))).completion(),
        eb.<JsonObject>localConsumer(Addresses.PROXY_SUBSCRIBE, Guarded.handler(Addresses.PROXY_SUBSCRIBE, m -> ask(Kind.SUBSCRIBE, m.body(), m))).completion(),
        eb.<JsonObject>localConsumer(Addresses.PROXY_PUBLISH, Guarded.handler(Addresses.PROXY_PUBLISH, m -> ask(Kind.PUBLISH, m.body(), m))).completion(),
        eb.<JsonObject>localConsumer(Addresses.PROXY_REFRESH, Guarded.handler(Addresses.PROXY_REFRESH, m -> ask(Kind.REFRESH, m.body(), m))).completion(),
        eb.<Object>consumer(Addresses.RPC, Guarded.handler(Addresses.RPC, this::onRpc)).completion());
  }

  private void add(Kind kind, ProxyConfig.Endpoint endpoint) {
    if (endpoint == null) {
      return;
    }
    String name = kind.name().toLowerCase(java.util.Locale.ROOT);
    CircuitBreaker breaker = CircuitBreaker.create("herald-proxy-" + name, vertx, new CircuitBreakerOptions()
            .setMaxFailures(config.maxFailures()).setMaxRetries(0).setTimeout(endpoint.timeoutMs()).setResetTimeout(config.resetTimeoutMs()))
        .openHandler(v -> {
          LOG.warn("{} proxy: circuit open after {} failures in a row; calls fail at once for {} ms", name, config.maxFailures(), config.resetTimeoutMs());
          Readiness.dependency(vertx, "proxy " + name, "open");
        })
        .closeHandler(v -> {
          LOG.info("{} proxy: circuit closed, the backend answers again", name);
          Readiness.dependency(vertx, "proxy " + name, null);
        });
    Map<String, Counter> outcomes = new java.util.HashMap<>();
    for (String outcome : new String[] {"ok", "refused", "failed", "timeout", "open", "over_limit"}) {
      outcomes.put(outcome, Metrics.counter(vertx, "herald_proxy_calls", "backend calls by proxy and outcome", "proxy", name, "outcome", outcome));
    }
    proxies.put(kind, new Proxy(kind, endpoint, breaker,
        Metrics.timer(vertx, "herald_proxy_seconds", "backend calls, from request to answer, by proxy", "proxy", name), outcomes));
  }

  /** {@code rt.rpc} from a client: its {@code {"method", "data"?}} with who sent it, to the backend; the reply is the result's {@code data}. */
  private void onRpc(Message<Object> msg) {
    ProxyCalls.Rpc rpc;
    try {
      rpc = ProxyCalls.Rpc.fromClient(msg.body(), msg.headers().get(Headers.USER_ID),
          new ProxyCalls.Client(msg.headers().get(Headers.CONNECTION_ID), null, null, null));
    } catch (ReplyException e) {
      ErrorCode.refuse(msg, e);
      return;
    }
    ask(Kind.RPC, rpc.toJson(), msg);
  }

  private void ask(Kind kind, JsonObject request, Message<?> msg) {
    Proxy proxy = proxies.get(kind);
    if (proxy == null) {
      ErrorCode.NOT_FOUND.fail(msg, "no " + kind.name().toLowerCase(java.util.Locale.ROOT) + " proxy is configured (proxy." + kind.name().toLowerCase(java.util.Locale.ROOT) + ")");
      return;
    }
    if (inFlight.getOrDefault(kind, 0) >= config.maxConcurrent()) {
      overLimit.increment();
      proxy.count("over_limit");
      ErrorCode.UNAVAILABLE.fail(msg, "the " + kind.name().toLowerCase(java.util.Locale.ROOT) + " proxy is at its limit of "
          + config.maxConcurrent() + " calls in flight; retry later");
      return;
    }
    inFlight.merge(kind, 1, Integer::sum);
    long t0 = System.nanoTime();
    String trace = msg.headers().get(Headers.TRACE_ID);
    proxy.breaker().<Answer>execute(promise -> post(proxy, request, trace, promise)).onComplete(ar -> {
      inFlight.merge(kind, -1, Integer::sum);
      proxy.latency().record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      if (ar.succeeded() && ar.result().refusal() == null) {
        proxy.count("ok");
        msg.reply(ar.result().result());
      } else if (ar.succeeded()) {
        proxy.count("refused");
        ErrorCode.refuse(msg, ar.result().refusal());
      } else {
        Throwable e = ar.cause();
        String outcome = e instanceof OpenCircuitException ? "open" : e instanceof TimeoutException ? "timeout" : "failed";
        proxy.count(outcome);
        String why = switch (outcome) {
          case "open" -> "the backend failed " + config.maxFailures() + " times in a row; retry later";
          case "timeout" -> "the backend did not answer within " + proxy.endpoint().timeoutMs() + " ms";
          default -> e.getMessage();
        };
        Trace.with(LOG.atDebug(), trace).log("{} proxy: {}", kind, why);
        ReplyException failed = e instanceof ReplyException re && re.failureCode() == ErrorCode.UNAVAILABLE.code ? re : ProxyCalls.invalid(why);
        ErrorCode.refuse(msg, failed);
      }
    });
  }

  /** One POST; the promise succeeds with the result or the backend's refusal, and fails when the backend failed. */
  private void post(Proxy proxy, JsonObject request, String trace, Promise<Answer> promise) {
    Buffer body = request.toBuffer();
    RequestOptions req = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(proxy.endpoint().url())
        .setConnectTimeout(proxy.endpoint().timeoutMs()).setIdleTimeout(proxy.endpoint().timeoutMs())
        .putHeader("Content-Type", "application/json").putHeader("X-Herald-Proxy", proxy.kind().name().toLowerCase(java.util.Locale.ROOT));
    if (trace != null) {
      req.putHeader("X-Trace-Id", trace);
    }
    if (config.secret() != null) {
      req.putHeader(WebhookEvents.SIGNATURE_HEADER, WebhookEvents.sign(config.secret(), body.getBytes()));
    }
    http.request(req).compose(r -> {
      // the whole call, not only silences: a backend that trickles bytes would hold a pooled connection past the breaker's timeout
      long timer = vertx.setTimer(proxy.endpoint().timeoutMs(), t -> r.reset());
      return r.send(body).onComplete(x -> vertx.cancelTimer(timer));
    }).compose(resp -> {
      Promise<Buffer> read = Promise.promise();
      Buffer got = Buffer.buffer();
      resp.exceptionHandler(read::tryFail);
      resp.handler(chunk -> {
        if (got.length() + chunk.length() > config.maxAnswerBytes()) {
          read.tryFail(ProxyCalls.invalid("its answer is longer than " + config.maxAnswerBytes() + " bytes (proxy.maxAnswerBytes)"));
          resp.request().connection().close();
        } else {
          got.appendBuffer(chunk);
        }
      });
      resp.endHandler(v -> read.tryComplete(got));
      return read.future().map(b -> {
        try {
          return new Answer(ProxyCalls.answer(resp.statusCode(), b.toString()), null);
        } catch (ReplyException e) {
          if (e.failureCode() == ErrorCode.UNAVAILABLE.code) {
            throw e;
          }
          return new Answer(null, e);
        }
      });
    }).onComplete(ar -> {
      if (ar.succeeded()) {
        promise.tryComplete(ar.result());
      } else {
        Throwable e = ar.cause();
        if (!(e instanceof ReplyException)) {
          // where it failed (an address, a port) is for the log, not for clients
          Trace.with(LOG.atDebug(), trace).log("{} proxy: {}", proxy.kind(), e.toString());
        }
        promise.tryFail(e instanceof ReplyException ? e : new ReplyException(ReplyFailure.RECIPIENT_FAILURE, ErrorCode.UNAVAILABLE.code,
            ErrorCode.UNAVAILABLE.message("the backend failed: it could not be reached, or the connection broke")));
      }
    });
  }

  @Override
  public Future<?> stop() {
    proxies.values().forEach(p -> p.breaker().close());
    return http.close();
  }
}
