package dev.herald.bench;

import dev.herald.client.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * A 3-node cluster of separate processes.
 * <ol>
 *   <li>Cross-node delivery: {@code subscribers} connections on each node subscribe to one
 *   channel; publishers on node 1 publish {@code msgRate} messages a second for {@code seconds}
 *   (after {@code warmup} seconds that are not measured: three fresh JVMs sharing one core are
 *   still compiling 40 s after start, measured with async-profiler); latency per delivery, on
 *   node 1 and on the other nodes, publishes refused, lost or duplicated seqs, and the three
 *   nodes' CPU per message.</li>
 *   <li>Presence propagation: a user on node 1 changes status {@code changes} times, paced at {@code rate}/s;
 *   {@code watchers} connections on node 2 watch them; latency is from sending the change to each
 *   watcher receiving the event (one clock: the load generator's).</li>
 *   <li>Node death: {@code victims} users on node 3, watched from node 1; node 3 gets SIGKILL;
 *   the time until the last offline event, and whether any came twice.</li>
 * </ol>
 */
final class ClusterScenario {

  private static final int WARMUP = 50;

  private ClusterScenario() {
  }

  static JsonObject run(Bench.Options o) throws Exception {
    int watchers = o.integer("watchers", 100);
    int changes = o.integer("changes", 500);
    int rate = o.integer("rate", 50);
    int victims = o.integer("victims", 100);
    int subscribers = o.integer("subscribers", 10);
    int msgRate = o.integer("msgRate", 1000);
    int seconds = o.integer("seconds", 10);
    int warmup = o.integer("warmup", 20);
    JsonObject params = new JsonObject().put("subscribers", subscribers).put("msgRate", msgRate).put("seconds", seconds).put("warmup", warmup)
        .put("watchers", watchers).put("changes", changes).put("rate", rate).put("victims", victims);
    Vertx vertx = Vertx.vertx();
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(10_000));
    try (LocalCluster cluster = new LocalCluster(Path.of("target/bench/cluster-logs"))) {
      Bench.progress("starting 3 nodes");
      List<Long> readyMs = cluster.start(3);
      JsonObject figures = new JsonObject()
          .put("first node ready (ms)", readyMs.get(0))
          .put("joining nodes ready (ms)", readyMs.subList(1, readyMs.size()).toString());
      Chart chart = new Chart("cross-node delivery and presence propagation", "µs");
      crossNode(vertx, ws, cluster, subscribers, msgRate, seconds, warmup, figures, chart);
      propagation(vertx, ws, watchers, changes, rate, figures, chart);
      nodeDeath(vertx, ws, cluster, victims, figures);
      return new JsonObject().put("scenario", "cluster").put("parameters", params).put("figures", figures).put("chart", chart.svg());
    } finally {
      vertx.close().await();
    }
  }

  private static void crossNode(Vertx vertx, WebSocketClient ws, LocalCluster cluster, int perNode, int rate, int seconds, int warmup, JsonObject figures, Chart chart)
      throws Exception {
    String channel = "cluster.cross";
    JsonObject claims = new JsonObject().put("channels", new JsonArray().add("cluster.*"));
    Recorder local = new Recorder(3);
    Recorder remote = new Recorder(3);
    LongAdder delivered = new LongAdder();
    SeqCheck seqs = new SeqCheck();
    LongAdder accepted = new LongAdder();
    LongAdder refused = new LongAdder();
    Bench.progress("cross-node: " + perNode + " subscribers on each node, " + rate + " msg/s from node 1 for "
        + warmup + " s warm-up + " + seconds + " s");
    List<Future<?>> subscribing = new ArrayList<>();
    for (int node = 1; node <= 3; node++) {
      Recorder into = node == 1 ? local : remote;
      List<String> tokens = LocalCluster.tokens("cross-" + node + "-", perNode, claims);
      for (String token : tokens) {
        LongConsumer seq = seqs.subscriber();
        subscribing.add(BridgeClient.connect(vertx, ws, LocalCluster.httpPort(node), token).compose(c -> c.subscribe(Wire.channel(channel), f -> {
          JsonObject m = f.getJsonObject("body");
          JsonObject data = m.getJsonObject("data");
          if (!data.getBoolean("w")) {
            into.recordValue(Math.max(0, (System.nanoTime() - data.getLong("t")) / 1000));
          }
          seq.accept(m.getLong("seq"));
          delivered.increment();
        })));
      }
    }
    Future.all(subscribing).await();
    // a connection's publishes are applied one after another (each answered before the next is read) and
    // limited to 100/s: spread the rate over publishers at 20/s each, so neither bounds it; every
    // answer is counted, so a refused publish shows
    String pubToken = LocalCluster.token(new JsonObject().put("sub", "cross-publisher").put("publish", new JsonArray().add("cluster.*")));
    List<BridgeClient> pubs = new ArrayList<>();
    for (int i = 0; i < Math.max(1, (rate + 19) / 20); i++) {
      pubs.add(BridgeClient.connect(vertx, ws, LocalCluster.httpPort(1), pubToken).await());
    }
    long warm = (long) rate * warmup;
    long total = warm + (long) rate * seconds;
    long[] cpuAtStart = new long[3];
    long interval = 1_000_000_000L / rate;
    long next = System.nanoTime();
    for (long i = 0; i < total; i++) {
      if (i % rate == 0) {
        Bench.progress("cross-node: second " + i / rate + (i < warm ? " (warm-up)" : ""));
      }
      if (i == warm) {
        for (int n = 0; n < 3; n++) {
          cpuAtStart[n] = Proc.cpuMillis(cluster.pid(n + 1));
        }
      }
      pubs.get((int) (i % pubs.size())).request(Wire.CHANNEL_PUBLISH, new JsonObject().put("channel", channel)
          .put("data", new JsonObject().put("t", System.nanoTime()).put("w", i < warm)))
          .onSuccess(answer -> (answer.containsKey("failureCode") ? refused : accepted).increment());
      next += interval;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (accepted.sum() + refused.sum() < total && System.nanoTime() < deadline) {
      Thread.sleep(50); // the publishers' answers
    }
    long cpu = 0;
    for (int n = 0; n < 3; n++) {
      cpu += Proc.cpuMillis(cluster.pid(n + 1)) - cpuAtStart[n];
    }
    long measuredSent = (long) rate * seconds;
    long expected = accepted.sum() * perNode * 3;
    while (delivered.sum() < expected && System.nanoTime() < deadline) {
      Thread.sleep(50); // the load generator's own count; nothing to await but the last deliveries
    }
    Histogram l = local.getIntervalHistogram();
    Histogram r = remote.getIntervalHistogram();
    chart.add("channel, publisher's node (1)", l).add("channel, other nodes (2, 3)", r);
    figures.put("cross-node messages sent", total)
        .put("cross-node publishes accepted", accepted.sum())
        .put("cross-node publishes refused", refused.sum())
        .put("cluster CPU per message after warm-up, 3 nodes (µs)", Math.round(cpu * 1000.0 / measuredSent))
        .put("cross-node deliveries expected", expected)
        .put("cross-node deliveries", delivered.sum())
        .put("cross-node lost seqs", seqs.lost())
        .put("cross-node duplicated seqs", seqs.duplicated())
        .put("cross-node subscribers that received nothing", seqs.silent())
        .put("same-node latency p50 (ms)", Bench.ms(l.getValueAtPercentile(50)))
        .put("same-node latency p99 (ms)", Bench.ms(l.getValueAtPercentile(99)))
        .put("cross-node latency p50 (ms)", Bench.ms(r.getValueAtPercentile(50)))
        .put("cross-node latency p99 (ms)", Bench.ms(r.getValueAtPercentile(99)))
        .put("cross-node latency max (ms)", Bench.ms(r.getMaxValue()));
  }

  private static void propagation(Vertx vertx, WebSocketClient ws, int watchers, int changes, int rate, JsonObject figures, Chart chart)
      throws Exception {
    String subjectId = "bench-subject";
    BridgeClient subject = BridgeClient.connect(vertx, ws, LocalCluster.httpPort(1), LocalCluster.token(subjectId)).await();
    String watcherToken = LocalCluster.token("bench-watcher");
    Recorder recorder = new Recorder(3);
    AtomicReference<CountDownLatch> pending = new AtomicReference<>(new CountDownLatch(0));
    long[] sentAt = new long[1];
    boolean[] measuring = new boolean[1];
    List<Future<BridgeClient>> connecting = new ArrayList<>();
    for (int i = 0; i < watchers; i++) {
      connecting.add(BridgeClient.connect(vertx, ws, LocalCluster.httpPort(2), watcherToken));
    }
    Bench.progress("connecting " + watchers + " watchers on node 2");
    for (Future<BridgeClient> f : connecting) {
      f.await().subscribe(Wire.presenceUser(subjectId), frame -> {
        if (measuring[0]) {
          recorder.recordValue((System.nanoTime() - sentAt[0]) / 1000);
        }
        pending.get().countDown();
      }).await();
    }
    long intervalNanos = 1_000_000_000L / rate;
    long next = System.nanoTime();
    for (int i = 0; i < WARMUP + changes; i++) {
      if (i % 100 == 0) {
        Bench.progress("status change " + i + "/" + (WARMUP + changes));
      }
      CountDownLatch all = new CountDownLatch(watchers);
      pending.set(all);
      measuring[0] = i >= WARMUP;
      sentAt[0] = System.nanoTime();
      subject.request(Wire.PRESENCE_SET, new JsonObject().put("status", i % 2 == 0 ? "busy" : "away"));
      if (!all.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("change " + i + " reached only " + (watchers - all.getCount()) + " of " + watchers + " watchers");
      }
      next += intervalNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
    Histogram h = recorder.getIntervalHistogram();
    chart.add("presence, node 1 to " + watchers + " watchers on node 2", h);
    figures.put("presence events measured", h.getTotalCount())
        .put("propagation p50 (ms)", Bench.ms(h.getValueAtPercentile(50)))
        .put("propagation p99 (ms)", Bench.ms(h.getValueAtPercentile(99)))
        .put("propagation max (ms)", Bench.ms(h.getMaxValue()));
  }

  private static void nodeDeath(Vertx vertx, WebSocketClient ws, LocalCluster cluster, int victims, JsonObject figures) throws Exception {
    BridgeClient watcher = BridgeClient.connect(vertx, ws, LocalCluster.httpPort(1), LocalCluster.token("bench-death-watcher")).await();
    CountDownLatch online = new CountDownLatch(victims);
    CountDownLatch offline = new CountDownLatch(victims);
    AtomicInteger extraOffline = new AtomicInteger();
    long[] lastOfflineAt = new long[1];
    Bench.progress("connecting " + victims + " users on node 3");
    for (int i = 0; i < victims; i++) {
      boolean[] seenOffline = new boolean[1];
      watcher.subscribe(Wire.presenceUser("victim-" + i), frame -> {
        String status = frame.getJsonObject("body").getString("status");
        if (status.equals("offline")) {
          if (seenOffline[0]) {
            extraOffline.incrementAndGet();
          }
          seenOffline[0] = true;
          lastOfflineAt[0] = System.nanoTime();
          offline.countDown();
        } else {
          online.countDown();
        }
      }).await();
    }
    List<BridgeClient> onNode3 = new ArrayList<>();
    for (int i = 0; i < victims; i++) {
      onNode3.add(BridgeClient.connect(vertx, ws, LocalCluster.httpPort(3), LocalCluster.token("victim-" + i)).await());
    }
    if (!online.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("victims not all online");
    }
    Bench.progress("kill -9 node 3 (pid " + cluster.pid(3) + ")");
    long killedAt = System.nanoTime();
    cluster.kill(3);
    boolean all = offline.await(60, TimeUnit.SECONDS);
    // a late duplicate would come from the periodic reconcile: give it one period to show
    Thread.sleep(2000);
    figures.put("kill -9 to last offline event (s)", all ? Math.round((lastOfflineAt[0] - killedAt) / 1e7) / 100.0 : "not all within 60 s")
        .put("offline events missing", offline.getCount())
        .put("offline events duplicated", extraOffline.get());
  }

}
