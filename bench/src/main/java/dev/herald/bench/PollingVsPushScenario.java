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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The article's comparison done on one node: one stream of updates (a channel; about one update
 * a second at random moments, so no poller is in phase with it), consumed by {@code clients}
 * push connections, then by {@code clients} pollers of the HTTP API every 1 s, then every 5 s.
 * Per mode: update latency (mean, p50, p99), requests or frames a second, the node's CPU seconds
 * per delivered update (from its own /proc CPU time), bytes on the wire per update (payloads and
 * HTTP headers as sent and received; TCP/IP overhead not counted), and the share of empty polls.
 * Both modes run once for {@code warmup} seconds first, unmeasured, and the idle CPU subtracted
 * is measured after that, over {@code baseline} seconds; the figure above idle leaves out the JIT compiler threads too (measured
 * with async-profiler: a 30-s mode still spends half the node's CPU compiling after a 10-s warm-up,
 * which would swamp push's few ms a second).
 */
final class PollingVsPushScenario {

  private static double idleMsPerSecond;
  /** Seconds each idle baseline is measured over. */
  private static int baseline;

  private PollingVsPushScenario() {
  }

  static JsonObject run(Bench.Options o) throws Exception {
    int clients = o.integer("clients", 100);
    int seconds = o.integer("seconds", 30);
    int warmup = o.integer("warmup", 10);
    // the node's own periodic work (metrics every 10 s, the presence reconcile every 15 s) evens out over 30 s
    baseline = o.integer("baseline", 30);
    JsonObject params = new JsonObject().put("clients", clients).put("seconds", seconds).put("warmup", warmup).put("baseline", baseline).put("updateEverySecondsMean", 1);
    Vertx vertx = Vertx.vertx();
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
    try (LocalCluster cluster = new LocalCluster(Path.of("target/bench/polling-vs-push-logs"))) {
      Bench.progress("starting 1 node");
      cluster.start(1);
      String service = LocalCluster.serviceToken("updates");
      if (warmup > 0) {
        // both paths once, unmeasured: the JIT's compiling would otherwise be charged to whichever mode runs first
        Bench.progress("warm-up: " + warmup + " s of each mode, not measured");
        Chart unused = new Chart("warm-up", "ms");
        push(vertx, ws, cluster, clients, warmup, service, unused, "warm");
        poll(cluster, clients, warmup, 1, service, unused, "warm");
      }
      // the node's CPU while nothing happens (timers, Hazelcast), subtracted below to get the cost of the work
      Bench.progress("measuring the idle node's CPU for " + baseline + " s");
      long idle0 = workMillis(cluster.pid(1));
      Thread.sleep(baseline * 1000L);
      idleMsPerSecond = (workMillis(cluster.pid(1)) - idle0) / (double) baseline;
      JsonObject figures = new JsonObject().put("idle node", new JsonObject().put("CPU without JIT (ms per s)", Bench.round2(idleMsPerSecond)));
      Chart chart = new Chart("update latency: push against polling (" + clients + " clients each)", "ms");
      figures.put("push", push(vertx, ws, cluster, clients, seconds, service, chart, ""));
      figures.put("polling every 1 s", poll(cluster, clients, seconds, 1, service, chart, ""));
      figures.put("polling every 5 s", poll(cluster, clients, seconds, 5, service, chart, ""));
      String perUpdate = "node CPU above idle, JIT excluded, per delivered update (µs)";
      long pushCost = figures.getJsonObject("push").getLong(perUpdate);
      figures.put("polling / push", new JsonObject()
          .put("CPU per delivered update, polling every 1 s", pushCost == 0 ? "push below resolution"
              : Math.round(figures.getJsonObject("polling every 1 s").getLong(perUpdate) * 10.0 / pushCost) / 10.0)
          .put("CPU per delivered update, polling every 5 s", pushCost == 0 ? "push below resolution"
              : Math.round(figures.getJsonObject("polling every 5 s").getLong(perUpdate) * 10.0 / pushCost) / 10.0));
      figures.put("article (polling 1 s vs WebSocket)", new JsonObject().put("polling mean latency (ms)", 480).put("push mean latency (ms)", 23)
          .put("empty polls at 1 s (%)", 85).put("empty polls at 5 s (%)", 95));
      return new JsonObject().put("scenario", "polling-vs-push").put("parameters", params).put("figures", flatten(figures))
          .put("chart", chart.svg());
    } finally {
      vertx.close().await();
    }
  }

  /** The update stream: publishes {@code {"t"}} through the HTTP API at random moments, about one a second. */
  private static Thread stream(String channel, int seconds, String service, AtomicLong published) {
    Thread t = new Thread(() -> {
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + LocalCluster.httpPort(1) + "/api/v1/channels/" + channel + "/messages");
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      try {
        while (System.nanoTime() < end) {
          Thread.sleep(500 + ThreadLocalRandom.current().nextInt(1000));
          http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + service)
              .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("data", new JsonObject().put("t", System.currentTimeMillis())).encode()))
              .build(), HttpResponse.BodyHandlers.discarding());
          published.incrementAndGet();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, "update-stream");
    t.start();
    return t;
  }

  /** {@code tag} keeps a warm-up's channel and users apart from the measured run's. */
  private static JsonObject push(Vertx vertx, WebSocketClient ws, LocalCluster cluster, int clients, int seconds, String service, Chart chart,
                                 String tag) throws Exception {
    String channel = "pvp.push" + tag;
    List<String> tokens = LocalCluster.tokens("pusher" + tag + "-", clients, new JsonObject().put("channels", new JsonArray().add("pvp.*")));
    Recorder latency = new Recorder(3);
    AtomicLong frames = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    Bench.progress("push: " + clients + " WebSocket clients for " + seconds + " s");
    List<BridgeClient> connected = new ArrayList<>();
    for (String token : tokens) {
      BridgeClient c = BridgeClient.connect(vertx, ws, LocalCluster.httpPort(1), token).await();
      connected.add(c);
      c.subscribe(Wire.channel(channel), f -> {
        latency.recordValue(Math.max(0, System.currentTimeMillis() - f.getJsonObject("body").getJsonObject("data").getLong("t")));
        frames.incrementAndGet();
        bytes.addAndGet(f.encode().length() + 2); // payload and the 2-byte frame header of a small server frame
      }).await();
    }
    // what holding these connections costs with nothing to say (their pings, the sweep): the
    // baseline push's cost per update is counted above, and a figure of its own
    long connectedIdle0 = workMillis(cluster.pid(1));
    Thread.sleep(baseline * 1000L);
    double connectedIdle = (workMillis(cluster.pid(1)) - connectedIdle0) / (double) baseline;
    AtomicLong published = new AtomicLong();
    long cpu0 = Proc.cpuMillis(cluster.pid(1));
    long work0 = workMillis(cluster.pid(1));
    stream(channel, seconds, service, published).join();
    Thread.sleep(500); // the last update's deliveries
    long cpu = Proc.cpuMillis(cluster.pid(1)) - cpu0;
    long work = workMillis(cluster.pid(1)) - work0;
    Future.join(connected.stream().map(BridgeClient::close).toList()).otherwiseEmpty().await();
    Histogram h = latency.getIntervalHistogram();
    chart.add("push", h);
    return figures(h, published.get(), frames.get(), bytes.get() + 0.0, cpu, work, connectedIdle, seconds)
        .put("idle CPU holding the connections, JIT excluded (ms per s)", Bench.round2(connectedIdle))
        .put("frames per second", Math.round(frames.get() / (double) seconds));
  }

  private static JsonObject poll(LocalCluster cluster, int clients, int seconds, int every, String streamToken, Chart chart, String tag)
      throws Exception {
    String channel = "pvp.poll" + every + tag;
    // each poller reads with a user's token that may read this channel, as a browser would
    List<String> tokens = LocalCluster.tokens("poller" + every + tag + "-", clients, new JsonObject().put("channels", new JsonArray().add(channel)));
    Recorder latency = new Recorder(3);
    AtomicLong requests = new AtomicLong();
    AtomicLong empty = new AtomicLong();
    AtomicLong updates = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    Bench.progress("polling every " + every + " s: " + clients + " HTTP clients for " + seconds + " s");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String base = "http://127.0.0.1:" + LocalCluster.httpPort(1) + "/api/v1/channels/" + channel + "/messages?limit=1000&since=";
    AtomicLong published = new AtomicLong();
    long cpu0 = Proc.cpuMillis(cluster.pid(1));
    long work0 = workMillis(cluster.pid(1));
    Thread stream = stream(channel, seconds, streamToken, published);
    var pool = java.util.concurrent.Executors.newScheduledThreadPool(4);
    for (String token : tokens) {
      long[] since = {0}; // a fresh channel: everything published is news
      pool.scheduleAtFixedRate(() -> {
        try {
          String uri = base + since[0];
          HttpRequest req = HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer " + token).build();
          HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
          long now = System.currentTimeMillis();
          requests.incrementAndGet();
          bytes.addAndGet(requestBytes(uri, token) + responseBytes(r));
          JsonObject h = new JsonObject(r.body());
          JsonArray messages = h.getJsonArray("messages");
          if (messages.isEmpty()) {
            empty.incrementAndGet();
          }
          for (Object m : messages) {
            latency.recordValue(Math.max(0, now - ((JsonObject) m).getJsonObject("data").getLong("t")));
            updates.incrementAndGet();
          }
          since[0] = h.getLong("nextSeq") - 1;
        } catch (Exception e) {
          Bench.progress("poll failed: " + e);
        }
      }, ThreadLocalRandom.current().nextLong(every * 1000L), every * 1000L, TimeUnit.MILLISECONDS);
    }
    stream.join();
    Thread.sleep(every * 1000L + 300); // every poller polls once more after the last update
    pool.shutdown(); // no new polls; one under way finishes
    pool.awaitTermination(10, TimeUnit.SECONDS);
    long cpu = Proc.cpuMillis(cluster.pid(1)) - cpu0;
    long work = workMillis(cluster.pid(1)) - work0;
    Histogram h = latency.getIntervalHistogram();
    chart.add("polling every " + every + " s", h);
    return figures(h, published.get(), updates.get(), bytes.get() + 0.0, cpu, work, idleMsPerSecond, seconds)
        .put("requests per second", Math.round(requests.get() / (double) seconds))
        .put("empty polls (%)", requests.get() == 0 ? 0 : Math.round(100.0 * empty.get() / requests.get()));
  }

  private static long requestBytes(String uri, String token) {
    // request line, Host, Authorization, and the JDK HTTP/1.1 client's User-Agent
    return ("GET " + URI.create(uri).getRawPath() + "?" + URI.create(uri).getRawQuery() + " HTTP/1.1\r\n").length()
        + "Host: 127.0.0.1:8081\r\n".length() + ("Authorization: Bearer " + token + "\r\n").length()
        + "User-Agent: Java-http-client/17.0.15\r\n\r\n".length();
  }

  private static long responseBytes(HttpResponse<String> r) {
    long n = "HTTP/1.1 200 OK\r\n".length() + 2 + r.body().length();
    for (Map.Entry<String, List<String>> h : r.headers().map().entrySet()) {
      for (String v : h.getValue()) {
        n += h.getKey().length() + 2 + v.length() + 2;
      }
    }
    return n;
  }

  /** The node's CPU time without its JIT compiler threads, in ms. */
  private static long workMillis(long pid) throws Exception {
    return Proc.cpuMillis(pid) - Proc.jitMillis(pid);
  }

  /** {@code idle}: the node's CPU a second without JIT before the mode's stream started. */
  private static JsonObject figures(Histogram h, long published, long delivered, double bytes, long cpuMs, long workMs, double idle, int seconds) {
    return new JsonObject()
        .put("updates published", published)
        .put("updates delivered", delivered)
        .put("mean latency (ms)", Math.round(h.getMean()))
        .put("p50 latency (ms)", h.getValueAtPercentile(50))
        .put("p99 latency (ms)", h.getValueAtPercentile(99))
        .put("node CPU per delivered update (µs)", delivered == 0 ? 0 : Math.round(cpuMs * 1000.0 / delivered))
        .put("node CPU above idle, JIT excluded, per delivered update (µs)", delivered == 0 ? 0
            : Math.max(0, Math.round((workMs - idle * seconds) * 1000.0 / delivered)))
        .put("bytes per delivered update", delivered == 0 ? 0 : Math.round(bytes / delivered));
  }

  /** One level of "mode: figure" keys, so the report's table stays flat. */
  private static JsonObject flatten(JsonObject byMode) {
    JsonObject out = new JsonObject();
    for (String mode : byMode.fieldNames()) {
      JsonObject f = byMode.getJsonObject(mode);
      for (String k : f.fieldNames()) {
        out.put(mode + ": " + k, f.getValue(k));
      }
    }
    return out;
  }
}
