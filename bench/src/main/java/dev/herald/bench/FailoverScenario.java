package dev.herald.bench;

import dev.herald.client.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The clients of a node that dies reconnect to the survivors, all at once. Three nodes (separate
 * processes, on one core); the survivors first take {@code warmups} storms of {@code clients}
 * connects and let them go (they are warm, as nodes that have served for a while are: one storm
 * leaves a one-core node compiling for minutes, more come closer), then the same storm again,
 * timed (the baseline: the same work without a death to recover from); then {@code clients} users
 * connect to node 3 and subscribe to one channel; node 3 gets SIGKILL; every client reconnects as
 * soon as it sees its connection close, to node 1 or 2 in turn, {@code inflight} at a time, and
 * subscribes again. Measured: kill to the last client subscribed again, the survivors' CPU per
 * reconnect; then, once the cluster has cleaned up after node 3, whether presence and membership
 * are exactly right: every user online with one connection, every user a member, once.
 */
final class FailoverScenario {

  private static final String CHANNEL = "failover.one";

  private FailoverScenario() {
  }

  static JsonObject run(Bench.Options o) throws Exception {
    int clients = o.integer("clients", 10_000);
    int inFlight = o.integer("inflight", 256);
    int warmups = o.integer("warmups", 1);
    if (warmups < 1) {
      throw new IllegalArgumentException("--warmups must be 1 or more");
    }
    JsonObject params = new JsonObject().put("clients", clients).put("inflight", inFlight).put("warmups", warmups);
    Vertx vertx = Vertx.vertx();
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
    try (LocalCluster cluster = new LocalCluster(Path.of("target/bench/failover-logs"))) {
      Bench.progress("starting 3 nodes");
      cluster.start(3);
      Bench.progress("signing " + clients + " tokens");
      List<String> tokens = LocalCluster.tokens("fo-", clients, new JsonObject().put("channels", new JsonArray().add("failover.*")));
      List<BridgeClient> warm;
      for (int k = 1; k <= warmups; k++) {
        Bench.progress("warming the survivors (" + k + " of " + warmups + "): " + clients + " connects, then closes");
        warm = storm(vertx, ws, tokens, i -> 1 + i % 2, inFlight);
        Future.join(warm.stream().map(BridgeClient::close).toList()).await();
        Proc.awaitQuiet(cluster.pid(1), cluster.pid(2));
      }
      // the same storm again, timed: what the survivors take without a death to recover from
      Bench.progress("the survivors warm: " + clients + " connects, timed, then closes");
      long base0 = Proc.cpuMillis(cluster.pid(1)) + Proc.cpuMillis(cluster.pid(2));
      long baseAt = System.nanoTime();
      warm = storm(vertx, ws, tokens, i -> 1 + i % 2, inFlight);
      double baseSeconds = (System.nanoTime() - baseAt) / 1e9;
      long baseCpu = Proc.cpuMillis(cluster.pid(1)) + Proc.cpuMillis(cluster.pid(2)) - base0;
      Future.join(warm.stream().map(BridgeClient::close).toList()).await();
      Proc.awaitQuiet(cluster.pid(1), cluster.pid(2));

      Bench.progress("connecting " + clients + " clients to node 3");
      List<BridgeClient> onNode3 = storm(vertx, ws, tokens, i -> 3, inFlight);
      List<Future<Short>> closed = onNode3.stream().map(BridgeClient::closed).toList();
      long cpu0 = Proc.cpuMillis(cluster.pid(1)) + Proc.cpuMillis(cluster.pid(2));
      Bench.progress("kill -9 node 3 (pid " + cluster.pid(3) + ")");
      long killedAt = System.nanoTime();
      cluster.kill(3);
      Future.join(closed).await();
      double seenClosed = (System.nanoTime() - killedAt) / 1e9;
      Bench.progress("all " + clients + " saw the close in " + Bench.round2(seenClosed) + " s; reconnecting to nodes 1 and 2");
      storm(vertx, ws, tokens, i -> 1 + i % 2, inFlight);
      double reconnected = (System.nanoTime() - killedAt) / 1e9;
      long cpu = Proc.cpuMillis(cluster.pid(1)) + Proc.cpuMillis(cluster.pid(2)) - cpu0;
      JsonObject figures = new JsonObject()
          .put("kill to every client seeing the close (s)", Bench.round2(seenClosed))
          .put("kill to every client subscribed again (s)", Bench.round2(reconnected))
          .put("survivors' CPU per reconnect + subscribe (µs)", Bench.round2(cpu * 1000.0 / clients))
          .put("without a death: the same storm onto the warm survivors (s)", Bench.round2(baseSeconds))
          .put("without a death: survivors' CPU per connect + subscribe (µs)", Bench.round2(baseCpu * 1000.0 / clients));
      Bench.progress("waiting for the cluster to clean up after node 3 (60 s at most)");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      Truth truth = Truth.of(CHANNEL, "fo-", clients);
      while (!truth.exact(clients) && System.nanoTime() < deadline) {
        Thread.sleep(1000); // the janitor runs on its own clock: nothing to await
        truth = Truth.of(CHANNEL, "fo-", clients);
      }
      figures.put("cleaned up after the kill (s)", Bench.round2((System.nanoTime() - killedAt) / 1e9))
          .put("channel members (of " + clients + ")", truth.members())
          .put("users online (of " + clients + ")", truth.online())
          .put("users with other than one connection", truth.notOneConnection());
      return new JsonObject().put("scenario", "failover").put("parameters", params).put("figures", figures);
    } finally {
      vertx.close().await();
    }
  }

  /** Connects client {@code i} to node {@code node(i)} and subscribes it, {@code inFlight} at a time; all, once done. */
  private static List<BridgeClient> storm(Vertx vertx, WebSocketClient ws, List<String> tokens, java.util.function.IntUnaryOperator node,
                                          int inFlight) throws Exception {
    return Bench.bounded(tokens.size(), inFlight, i -> BridgeClient.connect(vertx, ws, LocalCluster.httpPort(node.applyAsInt(i)), tokens.get(i))
        .compose(c -> c.subscribe(Wire.channel(CHANNEL), f -> { }).map(c))).stream().map(Future::result).toList();
  }
}
