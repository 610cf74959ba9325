package dev.herald.bench;

import dev.herald.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Recorder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Channel fan-out on a 2-node cluster of separate processes.
 * <ol>
 *   <li>One node: {@code subscribers} connections on node 1 subscribe to one channel (timed);
 *   {@code broadcasts} messages are published one at a time, each awaited by every subscriber;
 *   publish-to-receive latency per delivery, deliveries per second, node 1's CPU per delivery
 *   (from its own /proc CPU time), lost and duplicated seqs.</li>
 *   <li>Across nodes: {@code crossSubscribers} on node 2, publishers on node 1 at {@code crossRate}
 *   messages a second for {@code crossSeconds}: latency per delivery.</li>
 * </ol>
 */
final class FanoutScenario {

  private FanoutScenario() {
  }

  static JsonObject run(Bench.Options o) throws Exception {
    int subscribers = o.integer("subscribers", 10_000);
    int broadcasts = o.integer("broadcasts", 20);
    int crossSubscribers = o.integer("crossSubscribers", 10);
    int crossRate = o.integer("crossRate", 1000);
    int crossSeconds = o.integer("crossSeconds", 10);
    JsonObject params = new JsonObject().put("subscribers", subscribers).put("broadcasts", broadcasts)
        .put("crossSubscribers", crossSubscribers).put("crossRate", crossRate).put("crossSeconds", crossSeconds);
    Vertx vertx = Vertx.vertx();
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22));
    try (LocalCluster cluster = new LocalCluster(Path.of("target/bench/fanout-logs"))) {
      Bench.progress("starting 2 nodes");
      cluster.start(2);
      JsonObject figures = new JsonObject();
      Chart chart = new Chart("publish-to-receive latency", "µs");
      oneNode(vertx, ws, cluster, subscribers, broadcasts, figures, chart);
      crossNode(vertx, ws, crossSubscribers, crossRate, crossSeconds, figures, chart);
      return new JsonObject().put("scenario", "fanout").put("parameters", params).put("figures", figures).put("chart", chart.svg());
    } finally {
      vertx.close().await();
    }
  }

  private static void oneNode(Vertx vertx, WebSocketClient ws, LocalCluster cluster, int n, int broadcasts, JsonObject figures, Chart chart)
      throws Exception {
    String channel = "fanout.one";
    Bench.progress("getting " + n + " dev tokens (one user per connection)");
    List<String> tokens = LocalCluster.tokens("fan-", n, new JsonObject().put("channels", new JsonArray().add("fanout.*")));
    Recorder latency = new Recorder(3);
    LongAdder delivered = new LongAdder();
    LongAdder duplicates = new LongAdder();
    AtomicLong lost = new AtomicLong();
    CountDownLatch[] round = {new CountDownLatch(0)};
    Bench.progress("connecting and subscribing " + n + " connections on node 1");
    long t0 = System.nanoTime();
    List<Future<?>> subscribing = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long[] lastSeq = {0};
      subscribing.add(BenchClient.connect(vertx, ws, LocalCluster.httpPort(1), tokens.get(i)).compose(c -> c.register(Addresses.channel(channel), f -> {
        JsonObject m = f.getJsonObject("body");
        latency.recordValue(Math.max(0, (System.nanoTime() - m.getJsonObject("data").getLong("t")) / 1000));
        long seq = m.getLong("seq");
        synchronized (lastSeq) {
          if (seq <= lastSeq[0]) {
            duplicates.increment();
          } else {
            lost.addAndGet(seq - lastSeq[0] - 1);
            lastSeq[0] = seq;
          }
        }
        delivered.increment();
        round[0].countDown();
      })));
      if (subscribing.size() >= 500) { // a steady ramp: 500 in flight at most
        Future.all(subscribing).await();
        subscribing.clear();
      }
    }
    Future.all(subscribing).await();
    double subscribeSeconds = (System.nanoTime() - t0) / 1e9;
    JsonObject ready = readyOf(1);
    BenchClient publisher = BenchClient.connect(vertx, ws, LocalCluster.httpPort(1),
        LocalCluster.token(new JsonObject().put("sub", "fan-publisher").put("publish", new JsonArray().add("fanout.*")))).await();
    long cpu0 = Proc.cpuMillis(cluster.pid(1));
    long w0 = System.nanoTime();
    for (int b = 0; b < broadcasts; b++) {
      round[0] = new CountDownLatch(n);
      publisher.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", channel)
          .put("data", new JsonObject().put("t", System.nanoTime()).put("b", b)));
      if (!round[0].await(30, TimeUnit.SECONDS)) {
        Bench.progress("broadcast " + b + " reached " + (n - round[0].getCount()) + " of " + n);
      }
    }
    double wall = (System.nanoTime() - w0) / 1e9;
    long cpu = Proc.cpuMillis(cluster.pid(1)) - cpu0;
    var h = latency.getIntervalHistogram();
    chart.add("fan-out to " + n + " on one node", h);
    figures.put("subscribers on one node", n)
        .put("subscribe all (s)", round2(subscribeSeconds))
        .put("bus registrations in the cluster with all subscribed", ready.getInteger("busRegistrations"))
        .put("deliveries", delivered.sum())
        .put("lost seqs", lost.get())
        .put("duplicated seqs", duplicates.sum())
        .put("fan-out latency p50 (ms)", ms(h.getValueAtPercentile(50)))
        .put("fan-out latency p99 (ms)", ms(h.getValueAtPercentile(99)))
        .put("fan-out latency max (ms)", ms(h.getMaxValue()))
        .put("deliveries per second", Math.round(delivered.sum() / wall))
        .put("node CPU per delivery (µs)", delivered.sum() == 0 ? 0 : round2(cpu * 1000.0 / delivered.sum()));
  }

  private static void crossNode(Vertx vertx, WebSocketClient ws, int n, int rate, int seconds, JsonObject figures, Chart chart) throws Exception {
    String channel = "fanout.cross";
    List<String> subTokens = LocalCluster.tokens("cross-", n, new JsonObject().put("channels", new JsonArray().add("fanout.*")));
    Recorder latency = new Recorder(3);
    LongAdder delivered = new LongAdder();
    Bench.progress("cross-node: " + n + " subscribers on node 2, " + rate + " msg/s from node 1 for " + seconds + " s");
    for (int i = 0; i < n; i++) {
      BenchClient.connect(vertx, ws, LocalCluster.httpPort(2), subTokens.get(i)).await().register(Addresses.channel(channel), f -> {
        latency.recordValue(Math.max(0, (System.nanoTime() - f.getJsonObject("body").getJsonObject("data").getLong("t")) / 1000));
        delivered.increment();
      }).await();
    }
    // the per-connection publish limit is 100/s: spread the rate over enough publishers
    String pubToken = LocalCluster.token(new JsonObject().put("sub", "cross-publisher").put("publish", new JsonArray().add("fanout.*")));
    int publishers = Math.max(1, (rate + 79) / 80);
    List<BenchClient> pubs = new ArrayList<>();
    for (int i = 0; i < publishers; i++) {
      pubs.add(BenchClient.connect(vertx, ws, LocalCluster.httpPort(1), pubToken).await());
    }
    long total = (long) rate * seconds;
    long interval = 1_000_000_000L / rate;
    long next = System.nanoTime();
    for (long i = 0; i < total; i++) {
      pubs.get((int) (i % publishers)).request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", channel)
          .put("data", new JsonObject().put("t", System.nanoTime())));
      next += interval;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (delivered.sum() < total * n && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    var h = latency.getIntervalHistogram();
    chart.add("cross-node at " + rate + " msg/s", h);
    figures.put("cross-node messages", total).put("cross-node deliveries", delivered.sum())
        .put("cross-node latency p50 (ms)", ms(h.getValueAtPercentile(50)))
        .put("cross-node latency p99 (ms)", ms(h.getValueAtPercentile(99)));
  }

  private static JsonObject readyOf(int node) throws Exception {
    return new JsonObject(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + LocalCluster.httpPort(node) + "/ready"))
        .build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  private static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
