package dev.herald.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * Channel fan-out on one server, Herald and (in the same run, on the same core) the comparison
 * servers of {@code scripts/compare}: Socket.IO 4 and a bare {@code ws} broadcaster.
 * For each: {@code subscribers} connections subscribe to one room (timed); the server's idle CPU
 * is measured for {@code idle} seconds; then {@code broadcasts} messages are published one at a
 * time, each awaited by every subscriber: publish-to-receive latency per delivery, deliveries per
 * second, the server's CPU per delivery from its own /proc CPU time (in all, and above idle),
 * its RSS, lost and duplicated seqs.
 */
final class FanoutScenario {

  private FanoutScenario() {
  }

  static JsonObject run(Bench.Options o) throws Exception {
    int subscribers = o.integer("subscribers", 10_000);
    int broadcasts = o.integer("broadcasts", 20);
    int idle = o.integer("idle", 5);
    String compare = o.string("compare", "socket.io,ws");
    JsonObject params = new JsonObject().put("subscribers", subscribers).put("broadcasts", broadcasts).put("idle", idle).put("compare", compare);
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject figures = new JsonObject();
      Chart chart = new Chart("fan-out to " + subscribers + " subscribers, publish to receive", "µs");
      List<String> names = new ArrayList<>(List.of("herald"));
      if (!compare.equals("none")) {
        names.addAll(List.of(compare.split(",")));
      }
      for (int k = 0; k < names.size(); k++) {
        // each server gets its own client source address: the last one's closed sockets linger in TIME_WAIT
        WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
            .setLocalAddress("127.0.0." + (2 + k)).setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22));
        Bench.progress("starting " + names.get(k));
        try (FanoutTarget target = switch (names.get(k).trim()) {
          case "herald" -> new HeraldTarget(vertx, ws);
          case "socket.io" -> new NodeTarget.SocketIo(vertx, ws, 8091);
          case "ws" -> new NodeTarget.BareWs(vertx, ws, 8092);
          default -> throw new IllegalArgumentException("--compare knows socket.io and ws, not '" + names.get(k) + "'");
        }) {
          measure(target, subscribers, broadcasts, idle, figures, chart);
        } finally {
          ws.close().await();
        }
      }
      return new JsonObject().put("scenario", "fanout").put("parameters", params).put("figures", figures).put("chart", chart.svg());
    } finally {
      vertx.close().await();
    }
  }

  private static void measure(FanoutTarget target, int n, int broadcasts, int idle, JsonObject figures, Chart chart) throws Exception {
    String name = target.name();
    target.prepare(n);
    Recorder latency = new Recorder(3);
    LongAdder delivered = new LongAdder();
    SeqCheck seqs = new SeqCheck();
    CountDownLatch[] round = {new CountDownLatch(0)};
    Bench.progress(name + ": connecting and subscribing " + n + " connections");
    long t0 = System.nanoTime();
    List<Future<?>> subscribing = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      LongConsumer seq = seqs.subscriber();
      subscribing.add(target.subscribe(i, (s, data) -> {
        latency.recordValue(Math.max(0, micros() - data.getLong("t")));
        seq.accept(s);
        delivered.increment();
        round[0].countDown();
      }));
      if (subscribing.size() >= 500) { // a steady ramp: 500 in flight at most
        Future.all(subscribing).await();
        subscribing.clear();
      }
    }
    Future.all(subscribing).await();
    double subscribeSeconds = (System.nanoTime() - t0) / 1e9;
    long pid = target.pid();
    long rss = Proc.rssKb(pid);
    Bench.progress(name + ": idle CPU over " + idle + " s");
    long idleCpu0 = Proc.cpuMillis(pid);
    long idle0 = System.nanoTime();
    Thread.sleep(idle * 1000L); // measuring the server at rest: there is nothing to await
    double idleCpuPerSecond = (Proc.cpuMillis(pid) - idleCpu0) / ((System.nanoTime() - idle0) / 1e9);
    Bench.progress(name + ": " + broadcasts + " broadcasts");
    long cpu0 = Proc.cpuMillis(pid);
    long w0 = System.nanoTime();
    for (int b = 0; b < broadcasts; b++) {
      round[0] = new CountDownLatch(n);
      target.publish(new JsonObject().put("t", micros()).put("b", b));
      if (!round[0].await(30, TimeUnit.SECONDS)) {
        Bench.progress(name + ": broadcast " + b + " reached " + (n - round[0].getCount()) + " of " + n);
      }
    }
    double wall = (System.nanoTime() - w0) / 1e9;
    long cpu = Proc.cpuMillis(pid) - cpu0;
    long d = delivered.sum();
    Histogram h = latency.getIntervalHistogram();
    chart.add(name, h);
    String p = name + ": ";
    figures.put(p + "subscribe all (s)", Bench.round2(subscribeSeconds))
        .put(p + "deliveries", d)
        .put(p + "lost seqs", seqs.lost())
        .put(p + "duplicated seqs", seqs.duplicated())
        .put(p + "latency p50 (ms)", Bench.ms(h.getValueAtPercentile(50)))
        .put(p + "latency p99 (ms)", Bench.ms(h.getValueAtPercentile(99)))
        .put(p + "latency max (ms)", Bench.ms(h.getMaxValue()))
        .put(p + "deliveries per second", Math.round(d / wall))
        .put(p + "server CPU per delivery (µs)", d == 0 ? 0 : Bench.round2(cpu * 1000.0 / d))
        .put(p + "server CPU per delivery above idle (µs)", d == 0 ? 0 : Bench.round2((cpu - idleCpuPerSecond * wall) * 1000.0 / d))
        .put(p + "server idle CPU (ms/s)", Bench.round2(idleCpuPerSecond))
        .put(p + "server RSS with all subscribed (MiB)", rss / 1024);
    JsonObject extra = target.extraFigures();
    extra.fieldNames().forEach(k -> figures.put(p + k, extra.getValue(k)));
  }

  /** The load generator's monotonic clock in µs (exact as a JSON number in JavaScript too). */
  static long micros() {
    return System.nanoTime() / 1000;
  }
}
