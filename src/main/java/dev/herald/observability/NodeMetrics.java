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
