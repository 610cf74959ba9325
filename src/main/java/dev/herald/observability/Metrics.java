package dev.herald.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each node's Prometheus registry (served at {@code /metrics}), found by its Vert.x instance, so
 * several nodes in one JVM (tests) keep theirs apart. Metric names start with {@code herald_}.
 */
public final class Metrics {

  private static final Map<Vertx, PrometheusMeterRegistry> REGISTRIES = new ConcurrentHashMap<>();

  private Metrics() {
  }

  /** Makes the node's registry, with the JVM's heap, GC, threads and CPU. */
  public static PrometheusMeterRegistry create(Vertx vertx, String node) {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    r.config().commonTags("node", node);
    new JvmMemoryMetrics().bindTo(r);
    new JvmGcMetrics().bindTo(r);
    new JvmThreadMetrics().bindTo(r);
    new ProcessorMetrics().bindTo(r);
    REGISTRIES.put(vertx, r);
    return r;
  }

  public static PrometheusMeterRegistry of(Vertx vertx) {
    PrometheusMeterRegistry r = REGISTRIES.get(vertx);
    if (r == null) {
      // a verticle deployed outside a Node (unit tests): a registry nobody scrapes
      return REGISTRIES.computeIfAbsent(vertx, v -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }
    return r;
  }

  public static void remove(Vertx vertx) {
    REGISTRIES.remove(vertx);
  }

  /**
   * A gauge of a figure that costs a round of the cluster: computed every 10 s on a worker
   * thread, not per scrape and never on the event loop.
   */
  public static void clusterGauge(Vertx vertx, String name, String help, java.util.concurrent.Callable<Long> compute) {
    java.util.concurrent.atomic.AtomicLong value = new java.util.concurrent.atomic.AtomicLong();
    io.micrometer.core.instrument.Gauge.builder(name, value, java.util.concurrent.atomic.AtomicLong::get).description(help).register(of(vertx));
    Runnable refresh = () -> vertx.executeBlocking(() -> {
      value.set(compute.call());
      return null;
    }, false);
    refresh.run();
    vertx.setPeriodic(10_000, id -> refresh.run());
  }

  /**
   * A gauge read at each scrape. It holds {@code obj} strongly: Micrometer's default weak
   * reference let a lambda that nothing else held be collected, and the gauge read NaN.
   */
  public static <T> void gauge(Vertx vertx, String name, String help, T obj, java.util.function.ToDoubleFunction<T> f) {
    io.micrometer.core.instrument.Gauge.builder(name, obj, f).description(help).strongReference(true).register(of(vertx));
  }

  /**
   * A latency histogram with a few fixed buckets (1 ms to 5 s) for Prometheus's
   * {@code histogram_quantile}, not a bucket per power of two: the series stay few.
   */
  public static Timer timer(Vertx vertx, String name, String help, String... tags) {
    return Timer.builder(name).description(help).tags(tags)
        .serviceLevelObjectives(SLO_BUCKETS)
        .register(of(vertx));
  }

  private static final java.time.Duration[] SLO_BUCKETS = java.util.stream.LongStream.of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000)
      .mapToObj(java.time.Duration::ofMillis).toArray(java.time.Duration[]::new);

  public static Counter counter(Vertx vertx, String name, String help, String... tags) {
    return Counter.builder(name).description(help).tags(tags).register(of(vertx));
  }
}
