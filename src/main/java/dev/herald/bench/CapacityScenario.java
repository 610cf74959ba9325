package dev.herald.bench;

import dev.herald.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Idle authenticated connections on one node: opened at {@code rate} a second up to {@code target}
 * or until connects fail, each subscribed to its user's inbox and pinging every 5 s, spread over
 * source addresses 127.0.0.2..(1+{@code sources}) past the ephemeral-port limit. Reports the node's
 * RSS and heap after a full GC per connection, connect errors, the time to open them, and which
 * bound stopped the run (here a process cannot hold more than 20 000 open files).
 */
final class CapacityScenario {

  private CapacityScenario() {
  }

  static JsonObject run(Bench.Options o) throws Exception {
    int target = o.integer("target", 50_000);
    int rate = o.integer("rate", 2000);
    int sources = o.integer("sources", 4);
    JsonObject params = new JsonObject().put("target", target).put("rate", rate).put("sources", sources);
    Vertx vertx = Vertx.vertx();
    List<WebSocketClient> clients = new ArrayList<>();
    for (int s = 0; s < sources; s++) {
      clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000).setLocalAddress("127.0.0." + (2 + s))));
    }
    try (LocalCluster cluster = new LocalCluster(Path.of("target/bench/capacity-logs"))) {
      Bench.progress("starting 1 node");
      cluster.start(1);
      long pid = cluster.pid(1);
      // this one process holds every client socket: stay under its own open-files limit, with room
      // for its jars, logs and /proc reads (beyond that the plan is more client processes and nodes)
      int ownLimit = Integer.parseInt(Proc.openFilesLimit(ProcessHandle.current().pid()));
      int reachable = Math.min(target, ownLimit - 300);
      int users = Math.max(1, target / 100);
      List<String> tokens = LocalCluster.tokens("idle-", users, new JsonObject());
      long rssBefore = Proc.rssKb(pid);
      long heapBefore = Proc.heapAfterGcKb(pid);
      AtomicLong errors = new AtomicLong();
      AtomicLong open = new AtomicLong();
      String firstError = null;
      long t0 = System.nanoTime();
      long interval = 1_000_000_000L / rate;
      List<Future<?>> batch = new ArrayList<>();
      int i = 0;
      for (; i < reachable && errors.get() == 0; i++) {
        int user = i % users;
        // a node out of open files never answers the handshake: give up on a connection after 10 s
        batch.add(BenchClient.connect(vertx, clients.get(i % sources), LocalCluster.httpPort(1), tokens.get(user))
            .compose(c -> c.register(Addresses.inbox("idle-" + user), f -> { }))
            .timeout(10, TimeUnit.SECONDS)
            .onSuccess(x -> open.incrementAndGet())
            .onFailure(e -> errors.incrementAndGet()));
        if (batch.size() == rate / 10) { // a tenth of a second's worth, then keep to the rate
          Future.join(batch).otherwiseEmpty().await(); // failures are counted above
          batch.clear();
          long due = t0 + (i + 1) * interval;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          if ((i + 1) % 2000 < rate / 10) {
            Bench.progress((i + 1) + " connections attempted, " + open.get() + " open, " + errors.get() + " errors");
          }
        }
      }
      Future.join(batch).otherwiseEmpty().await();
      double openSeconds = (System.nanoTime() - t0) / 1e9;
      Thread.sleep(6000); // a ping round on every connection, then measure at rest
      long rssAfter = Proc.rssKb(pid);
      long heapAfter = Proc.heapAfterGcKb(pid);
      long n = open.get();
      String bound = errors.get() > 0
          ? "connect errors after " + n + " open: the node's open-files limit is " + Proc.openFilesLimit(pid)
          : reachable < target ? "the load generator's open-files limit (" + ownLimit + ") in one process; the node's is " + Proc.openFilesLimit(pid)
          : "the target (" + target + ")";
      JsonObject figures = new JsonObject()
          .put("connections open", n)
          .put("connect errors", errors.get())
          .put("stopped by", bound)
          .put("time to open (s)", Math.round(openSeconds * 10) / 10.0)
          .put("node RSS before (MiB)", rssBefore / 1024)
          .put("node RSS after (MiB)", rssAfter / 1024)
          .put("RSS per connection (KB)", n == 0 ? 0 : Math.round((rssAfter - rssBefore) * 10.0 / n) / 10.0)
          .put("heap after GC per connection (KB)", n == 0 ? 0 : Math.round((heapAfter - heapBefore) * 10.0 / n) / 10.0);
      return new JsonObject().put("scenario", "capacity").put("parameters", params).put("figures", figures);
    } finally {
      vertx.close().await();
    }
  }
}
