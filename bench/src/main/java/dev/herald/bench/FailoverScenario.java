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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The clients of a node that dies reconnect to the survivors, all at once. Three nodes (separate
 * processes, on one core). First the survivors are made warm, as nodes that have served for a
 * while are: storms of {@code clients} connects onto nodes 1 and 2, each let go, until their JIT
 * compiler threads took less than {@value #WARM_JIT_SHARE} of a storm's CPU (at most
 * {@code warmups} storms); then the same storm again, timed (the baseline: the same work without
 * a death). Then, {@code deaths} times: {@code clients} users connect to node 3 and subscribe to
 * one channel; node 3 gets SIGKILL; every client reconnects as soon as it sees its connection
 * close, to node 1 or 2 in turn, {@code inflight} at a time, and subscribes again; once the
 * cluster has cleaned up after node 3, presence and membership must be exactly right (every user
 * online with one connection, every user a member, once); the clients close and node 3 starts
 * again. Measured for each death: kill to the last client subscribed again, the survivors' CPU per
 * reconnect and their compiler threads' share. The first death is the first the survivors' code
 * meets (the JIT recompiles what it had compiled without those paths); a later one is what a
 * cluster that has been through a death or a deploy before meets. Then, unless {@code --compare
 * none}, the bar in the same run: the same storm onto one warm Socket.IO 4 process.
 */
final class FailoverScenario {

  private static final String CHANNEL = "failover.one";

  /** The survivors count as warm once their compiler threads took less than this share of a storm's CPU. */
  static final double WARM_JIT_SHARE = 0.1;

  /** Socket.IO's storms in the same run: the first warms the load generator's client, the median of the rest is the bar. */
  private static final int SOCKET_IO_STORMS = 4;

  private FailoverScenario() {
  }

  static JsonObject run(Bench.Options o) throws Exception {
    int clients = o.integer("clients", 10_000);
    int inFlight = o.integer("inflight", 256);
    int warmups = o.integer("warmups", 12);
    int deaths = o.integer("deaths", 2);
    String compare = o.string("compare", "socket.io");
    if (warmups < 1 || deaths < 1) {
      throw new IllegalArgumentException("--warmups and --deaths must be 1 or more");
    }
    if (!compare.equals("socket.io") && !compare.equals("none")) {
      throw new IllegalArgumentException("--compare is socket.io or none, not '" + compare + "'");
    }
    JsonObject params = new JsonObject().put("clients", clients).put("inflight", inFlight).put("warmups", warmups).put("deaths", deaths)
        .put("compare", compare);
    JsonObject figures = new JsonObject();
    Vertx vertx = Vertx.vertx();
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
    try (LocalCluster cluster = new LocalCluster(Path.of("target/bench/failover-logs"))) {
      Bench.progress("starting 3 nodes");
      cluster.start(3);
      Bench.progress("signing " + clients + " tokens");
      List<String> tokens = LocalCluster.tokens("fo-", clients, new JsonObject().put("channels", new JsonArray().add("failover.*")));
      Survivors survivors = new Survivors(cluster.pid(1), cluster.pid(2));
      JsonArray warmupStorms = new JsonArray();
      for (int k = 1; k <= warmups; k++) {
        Bench.progress("warming the survivors (storm " + k + ", at most " + warmups + "): " + clients + " connects, then closes");
        JsonObject w = timed(survivors, clients, () -> storm(vertx, ws, tokens, i -> 1 + i % 2, inFlight));
        warmupStorms.add(w);
        Bench.progress("  " + w.encode());
        if (w.getDouble("jit per connect (µs)") < WARM_JIT_SHARE * w.getDouble("cpu per connect (µs)")) {
          break;
        }
      }
      Bench.progress("the survivors warm: " + clients + " connects, timed, then closes");
      JsonObject base = timed(survivors, clients, () -> storm(vertx, ws, tokens, i -> 1 + i % 2, inFlight));
      Bench.progress("  " + base.encode());
      for (int d = 1; d <= deaths; d++) {
        if (d > 1) {
          Bench.progress("node 3 starts again");
          cluster.restart(3);
          Proc.awaitQuiet(cluster.pid(1), cluster.pid(2), cluster.pid(3));
        }
        JsonObject death = death(vertx, ws, cluster, survivors, tokens, inFlight);
        Bench.progress("  " + death.encode());
        String prefix = deathPrefix(d);
        death.forEach(e -> figures.put(prefix + e.getKey(), e.getValue()));
      }
      figures.put("without a death: the same storm onto the warm survivors (s)", base.getDouble("seconds"))
          .put("without a death: survivors' CPU per connect + subscribe (µs)", base.getDouble("cpu per connect (µs)"))
          .put("without a death: of which JIT compiler threads (µs)", base.getDouble("jit per connect (µs)"))
          .put("warm-up storms", warmupStorms.size());
      if (compare.equals("socket.io")) {
        cluster.close();
        JsonObject bar = socketIo(vertx, clients, inFlight);
        figures.mergeIn(bar);
        double sio = bar.getDouble("socket.io: the same storm onto one process, warm, median (s)");
        for (int d = 1; d <= deaths; d++) {
          String prefix = deathPrefix(d);
          figures.put(prefix + "kill to every client subscribed again, over Socket.IO's storm",
              Bench.round2(figures.getDouble(prefix + "kill to every client subscribed again (s)") / sio));
        }
      }
      return new JsonObject().put("scenario", "failover").put("parameters", params).put("figures", figures)
          .put("warm-up storm figures", warmupStorms);
    } finally {
      vertx.close().await();
    }
  }

  /**
   * The bar, in the same run: Socket.IO 4 (one process on the nodes' core) taking the same storm
   * of {@code clients} connects, each joining one room, {@value #SOCKET_IO_STORMS} times; the first
   * meets the load generator's Socket.IO client cold, the median of the others is the figure (one
   * storm alone varies by a third here).
   */
  private static JsonObject socketIo(Vertx vertx, int clients, int inFlight) throws Exception {
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000).setLocalAddress("127.0.1.9"));
    try (NodeTarget.SocketIo target = new NodeTarget.SocketIo(vertx, ws, 8091)) {
      target.prepare(clients);
      double[] seconds = new double[SOCKET_IO_STORMS - 1];
      double[] cpu = new double[SOCKET_IO_STORMS - 1];
      for (int k = 1; k <= SOCKET_IO_STORMS; k++) {
        Bench.progress("socket.io: storm " + k + " of " + SOCKET_IO_STORMS + ": " + clients + " connects, each joining the room");
        long cpu0 = Proc.cpuMillis(target.pid());
        long at = System.nanoTime();
        Bench.bounded(clients, inFlight, i -> target.subscribe(i, (s, data) -> { }));
        if (k > 1) {
          seconds[k - 2] = (System.nanoTime() - at) / 1e9;
          cpu[k - 2] = (Proc.cpuMillis(target.pid()) - cpu0) * 1000.0 / clients;
        }
        Bench.progress("  " + Bench.round2((System.nanoTime() - at) / 1e9) + " s");
        target.closeSubscribers().await();
        Proc.awaitQuiet(target.pid());
      }
      return new JsonObject().put("socket.io: the same storm onto one process, warm, median (s)", Bench.round2(Bench.median(seconds)))
          .put("socket.io: CPU per connect + join, median (µs)", Bench.round2(Bench.median(cpu)));
    } finally {
      ws.close().await();
    }
  }

  /** The first death's figures have no prefix (as before there were several); a later one's name it. */
  private static String deathPrefix(int death) {
    return death == 1 ? "" : "death " + death + ": ";
  }

  /**
   * Clients onto node 3, node 3 killed, the clients onto the survivors; the figures once the
   * cluster cleaned up after it; the clients closed and the survivors quiet after.
   */
  private static JsonObject death(Vertx vertx, WebSocketClient ws, LocalCluster cluster, Survivors survivors, List<String> tokens,
                                  int inFlight) throws Exception {
    int clients = tokens.size();
    Bench.progress("connecting " + clients + " clients to node 3");
    List<BridgeClient> onNode3 = storm(vertx, ws, tokens, i -> 3, inFlight);
    List<Future<Short>> closed = onNode3.stream().map(BridgeClient::closed).toList();
    Survivors.Storm failover = survivors.start();
    Bench.progress("kill -9 node 3 (pid " + cluster.pid(3) + ")");
    long killedAt = System.nanoTime();
    cluster.kill(3);
    Future.join(closed).await();
    double seenClosed = (System.nanoTime() - killedAt) / 1e9;
    Bench.progress("all " + clients + " saw the close in " + Bench.round2(seenClosed) + " s; reconnecting to nodes 1 and 2");
    List<BridgeClient> back = storm(vertx, ws, tokens, i -> 1 + i % 2, inFlight);
    double reconnected = (System.nanoTime() - killedAt) / 1e9;
    JsonObject fo = failover.end(clients);
    JsonObject figures = new JsonObject()
        .put("kill to every client seeing the close (s)", Bench.round2(seenClosed))
        .put("kill to every client subscribed again (s)", Bench.round2(reconnected))
        .put("survivors' CPU per reconnect + subscribe (µs)", fo.getDouble("cpu per connect (µs)"))
        .put("of which JIT compiler threads (µs)", fo.getDouble("jit per connect (µs)"));
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
    Future.join(back.stream().map(BridgeClient::close).toList()).await();
    Proc.awaitQuiet(cluster.pid(1), cluster.pid(2));
    return figures;
  }

  /** Runs a storm on the survivors, lets its clients go, waits for the survivors to be quiet; the storm's figures. */
  private static JsonObject timed(Survivors survivors, int connects, java.util.concurrent.Callable<List<BridgeClient>> storm) throws Exception {
    Survivors.Storm s = survivors.start();
    List<BridgeClient> connected = storm.call();
    JsonObject figures = s.end(connects);
    Future.join(connected.stream().map(BridgeClient::close).toList()).await();
    Proc.awaitQuiet(survivors.pid1(), survivors.pid2());
    return figures;
  }

  /** The two survivors' CPU, and their JIT compiler threads', over one storm. */
  private record Survivors(long pid1, long pid2) {

    Storm start() throws Exception {
      return new Storm(this, System.nanoTime(), Proc.cpuMillis(pid1) + Proc.cpuMillis(pid2), Proc.jitThreads(pid1), Proc.jitThreads(pid2));
    }

    record Storm(Survivors of, long at, long cpu0, Map<String, Long> jit1, Map<String, Long> jit2) {
      JsonObject end(int connects) throws Exception {
        double seconds = (System.nanoTime() - at) / 1e9;
        long cpu = Proc.cpuMillis(of.pid1) + Proc.cpuMillis(of.pid2) - cpu0;
        long jit = Proc.jitSince(of.pid1, jit1) + Proc.jitSince(of.pid2, jit2);
        return new JsonObject().put("seconds", Bench.round2(seconds))
            .put("cpu per connect (µs)", Bench.round2(cpu * 1000.0 / connects))
            .put("jit per connect (µs)", Bench.round2(jit * 1000.0 / connects));
      }
    }
  }

  /** Connects client {@code i} to node {@code node(i)} and subscribes it, {@code inFlight} at a time; all, once done. */
  private static List<BridgeClient> storm(Vertx vertx, WebSocketClient ws, List<String> tokens, java.util.function.IntUnaryOperator node,
                                          int inFlight) throws Exception {
    return Bench.bounded(tokens.size(), inFlight, i -> BridgeClient.connect(vertx, ws, LocalCluster.httpPort(node.applyAsInt(i)), tokens.get(i))
        .compose(c -> c.subscribe(Wire.channel(CHANNEL), f -> { }).map(c))).stream().map(Future::result).toList();
  }
}
