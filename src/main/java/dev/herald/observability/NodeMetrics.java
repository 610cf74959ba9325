package dev.herald.observability;

import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;

import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The node's registry and its node-level meters: cluster members, and how late the event loops
 * run. Each feature registers its own meters (the gateway's connections and counters, the
 * channel, presence and webhook gauges).
 */
public final class NodeMetrics {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NodeMetrics.class);

  /** Each event loop gets a tick this often, timed against when it was due. */
  static final long LAG_TICK_MS = 100;

  private NodeMetrics() {
  }

  public static void register(Vertx vertx, String node, IntSupplier clusterMembers) {
    Metrics.create(vertx, node);
    Metrics.gauge(vertx, "herald_cluster_members", "members of the cluster", clusterMembers, IntSupplier::getAsInt);
    Timer lag = Metrics.timer(vertx, "herald_event_loop_lag_seconds",
        "how late each event loop ran a tick due every 100 ms: a loop held by a task shows here at once (Vert.x warns after 2 s)");
    for (EventExecutor loop : ((VertxInternal) vertx).eventLoopGroup()) {
      tick(loop, lag);
    }
    unhandled(vertx);
  }

  /** An unhandled exception's kind is logged with its stack once, then at most once a {@value #UNHANDLED_LOG_MS} ms with a count. */
  static final long UNHANDLED_LOG_MS = 10_000;

  /**
   * What reaches a context with no handler of its own: counted ({@code herald_unhandled_exceptions_total},
   * by class) and logged, bounded. Vert.x 5.0.7 raises one such exception (an
   * {@code IllegalStateException}, "Promise already completed", from its own close path:
   * {@code VertxConnection.writeClose} failing the writes still queued) for many a WebSocket
   * closed under load: tens of thousands in seconds when a node closes that many sockets
   * (docs/benchmarks.md, "scale-out"), each logged with its stack by default, by the event loop
   * that is closing them.
   */
  private static void unhandled(Vertx vertx) {
    // per class: its counter (found once, not looked up per exception) and when it was last logged
    java.util.concurrent.ConcurrentHashMap<String, Unhandled> seen = new java.util.concurrent.ConcurrentHashMap<>();
    vertx.exceptionHandler(err -> {
      String kind = err.getClass().getName();
      Unhandled u = seen.computeIfAbsent(kind, k ->
          new Unhandled(Metrics.counter(vertx, "herald_unhandled_exceptions_total", "exceptions no handler took, by class", "class", k)));
      u.counter.increment();
      long now = System.currentTimeMillis();
      synchronized (u) {
        if (u.loggedAt == 0) {
          LOG.error("unhandled exception (the first of its kind: later ones are counted and logged at most every {} s)",
              UNHANDLED_LOG_MS / 1000, err);
          u.loggedAt = now;
        } else if (now - u.loggedAt >= UNHANDLED_LOG_MS) {
          LOG.warn("{} more unhandled {} in the last {} s, the latest: {}", u.since + 1, kind, (now - u.loggedAt) / 1000, err.toString());
          u.loggedAt = now;
          u.since = 0;
        } else {
          u.since++;
        }
      }
    });
  }

  /** One class of unhandled exception: its counter, when it was last logged, how many came since. */
  private static final class Unhandled {
    final io.micrometer.core.instrument.Counter counter;
    long loggedAt;
    long since;

    Unhandled(io.micrometer.core.instrument.Counter counter) {
      this.counter = counter;
    }
  }

  /** Schedules the next tick on {@code loop} (a Netty task: no Vert.x context needed), until the loop shuts down. */
  private static void tick(EventExecutor loop, Timer lag) {
    if (loop.isShuttingDown()) {
      return;
    }
    long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LAG_TICK_MS);
    loop.schedule(() -> {
      lag.record(Math.max(0, System.nanoTime() - due), TimeUnit.NANOSECONDS);
      tick(loop, lag);
    }, LAG_TICK_MS, TimeUnit.MILLISECONDS);
  }
}
