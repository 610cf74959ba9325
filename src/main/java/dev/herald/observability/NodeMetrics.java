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
    java.util.concurrent.ConcurrentHashMap<String, long[]> seen = new java.util.concurrent.ConcurrentHashMap<>();
    vertx.exceptionHandler(err -> {
      String kind = err.getClass().getName();
      Metrics.counter(vertx, "herald_unhandled_exceptions_total", "exceptions no handler took, by class", "class", kind).increment();
      long now = System.currentTimeMillis();
      long[] last = seen.computeIfAbsent(kind, k -> new long[] {0, 0}); // last logged at, not logged since
      synchronized (last) {
        if (last[0] == 0) {
          LOG.error("unhandled exception (the first of its kind: later ones are counted and logged at most every {} s)",
              UNHANDLED_LOG_MS / 1000, err);
          last[0] = now;
        } else if (now - last[0] >= UNHANDLED_LOG_MS) {
          LOG.warn("{} more unhandled {} in the last {} s, the latest: {}", last[1] + 1, kind, (now - last[0]) / 1000, err.toString());
          last[0] = now;
          last[1] = 0;
        } else {
          last[1]++;
        }
      }
    });
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
