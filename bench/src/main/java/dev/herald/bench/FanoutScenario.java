package dev.herald.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/**
 * Channel fan-out on one server, Herald and (in the same run, on the same core) the comparison
 * servers of {@code scripts/compare}: Socket.IO 4 and a bare {@code ws} broadcaster.
 * First the load generator warms up: one unmeasured storm against a throwaway process of each.
 * Then for each: {@code subscribers} connections connect and subscribe to one room, {@code inflight}
 * at a time, timed with the server's CPU per connection (a JVM's compiler threads' share apart)
 * and the load generator's; they close (the last close timed too: the server's CPU until it
 * settles, per connection) and connect again, {@code storms} times in all (the first storm meets
 * a fresh process, the last a warm one); {@code warmup} broadcasts are sent and not measured (both runtimes compile their hot paths: the JVM's C2, V8's
 * optimiser); the server's idle CPU is measured for {@code idle} seconds; then {@code broadcasts}
 * messages are published one at a time, each awaited by every subscriber: publish-to-receive
 * latency per delivery, deliveries per second, the server's CPU per delivery from its own /proc
 * CPU time (in all, and above idle), the bytes on the wire per delivered message, its RSS (and a
 * JVM's live heap after a full collection) per subscribed connection, lost and duplicated seqs. All of it {@code rounds} times over, the servers taking turns
 * (this machine's speed drifts between minutes): medians of the rounds, counts added up.
 */
final class FanoutScenario {

  /** Figures added up over rounds; every other figure is the median of the rounds. */
  private static final Set<String> SUMMED = Set.of("deliveries", "warm-up deliveries", "lost seqs", "duplicated seqs");

  private static final long SELF = ProcessHandle.current().pid();

  private FanoutScenario() {
  }

  static JsonObject run(Bench.Options o) throws Exception {
    int subscribers = o.integer("subscribers", 10_000);
    int broadcasts = o.integer("broadcasts", 20);
    int warmup = o.integer("warmup", 10);
    int idle = o.integer("idle", 5);
    int rounds = o.integer("rounds", 3);
    int inFlight = o.integer("inflight", 256);
    int storms = o.integer("storms", 3);
    if (storms < 2) {
      throw new IllegalArgumentException("--storms must be 2 or more (the first is on a fresh server, the last on a warm one)");
    }
    String compare = o.string("compare", "socket.io,ws");
    JsonObject params = new JsonObject().put("subscribers", subscribers).put("broadcasts", broadcasts).put("warmup", warmup)
        .put("idle", idle).put("rounds", rounds).put("inflight", inFlight).put("storms", storms).put("compare", compare);
    List<String> names = new ArrayList<>(List.of("herald"));
    if (!compare.equals("none")) {
      names.addAll(List.of(compare.split(",")));
    }
    Vertx vertx = Vertx.vertx();
    try {
      // per server: each round's figures, and the latencies of all rounds
      Map<String, List<JsonObject>> perRound = new LinkedHashMap<>();
      Map<String, Histogram> latencies = new LinkedHashMap<>();
      warmLoadGenerator(vertx, names, subscribers, inFlight);
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < names.size(); k++) {
          String name = names.get(k).trim();
          WebSocketClient ws = client(vertx, "127.0.0." + (2 + r * names.size() + k));
          Bench.progress("round " + (r + 1) + "/" + rounds + ": starting " + name);
          try (FanoutTarget target = open(name, vertx, ws)) {
            Histogram h = new Histogram(3);
            perRound.computeIfAbsent(name, x -> new ArrayList<>()).add(measure(target, subscribers, inFlight, storms, warmup, broadcasts, idle, h));
            latencies.computeIfAbsent(name, x -> new Histogram(3)).add(h);
          } finally {
            ws.close().await();
          }
        }
      }
      JsonObject figures = new JsonObject();
      Chart chart = new Chart("fan-out to " + subscribers + " subscribers, publish to receive, " + rounds + " rounds", "µs");
      perRound.forEach((name, list) -> {
        for (String key : list.get(0).fieldNames()) {
          if (SUMMED.contains(key)) {
            figures.put(name + ": " + key, sum(list, key));
          } else {
            figures.put(name + ": " + key, median(list, key));
          }
        }
        chart.add(name, latencies.get(name));
      });
      ratio(figures, "server CPU per delivery (µs)");
      ratio(figures, "server CPU per delivery above idle (µs)");
      ratio(figures, "latency p99 (ms)");
      return new JsonObject().put("scenario", "fanout").put("parameters", params).put("figures", figures)
          .put("servers", new JsonArray(new ArrayList<>(perRound.keySet())))
          .put("rounds", new JsonObject(new LinkedHashMap<>(perRound)))
          .put("note", "Servers measured one after another in " + rounds + " round(s), each on the same core with a fresh process;"
              + " counts are added up over the rounds, every other figure is the median of the rounds (each round's figures are in"
              + " target/bench/fanout.json).")
          .put("chart", chart.svg());
    } finally {
      vertx.close().await();
    }
  }

  /** A client whose connections come from {@code localAddress}: closed sockets linger in TIME_WAIT, so each storm's server gets its own. */
  private static WebSocketClient client(Vertx vertx, String localAddress) {
    return vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000).setLocalAddress(localAddress)
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22));
  }

  private static FanoutTarget open(String name, Vertx vertx, WebSocketClient ws) throws Exception {
    return switch (name) {
      case "herald" -> new HeraldTarget(vertx, ws);
      case "socket.io" -> new NodeTarget.SocketIo(vertx, ws, 8091);
      case "ws" -> new NodeTarget.BareWs(vertx, ws, 8092);
      default -> throw new IllegalArgumentException("--compare knows socket.io and ws, not '" + name + "'");
    };
  }

  /**
   * One unmeasured storm against a throwaway process of each server, so that the first measured
   * storm meets a load generator whose own JIT has compiled its client paths: otherwise the first
   * server measured would pay for the load generator's warm-up in its "fresh server" storm.
   */
  private static void warmLoadGenerator(Vertx vertx, List<String> names, int n, int inFlight) throws Exception {
    for (int k = 0; k < names.size(); k++) {
      String name = names.get(k).trim();
      WebSocketClient ws = client(vertx, "127.0.1." + (2 + k));
      Bench.progress("warming the load generator up: one storm against a throwaway " + name);
      try (FanoutTarget target = open(name, vertx, ws)) {
        target.prepare(n);
        storm(target, n, inFlight, new SeqCheck(), (s, data) -> {
        }, () -> {
        });
        target.closeSubscribers().await();
      } finally {
        ws.close().await();
      }
    }
  }

  /**
   * {@code n} connects and subscribes, {@code inFlight} at a time: a new one as soon as one before
   * it is subscribed; {@code atHalf} runs once half of them are.
   */
  private static void storm(FanoutTarget target, int n, int inFlight, SeqCheck check, BiConsumer<Long, JsonObject> onMessage,
                            Runnable atHalf) throws Exception {
    AtomicInteger done = new AtomicInteger();
    Bench.bounded(n, inFlight, i -> {
      LongConsumer seq = check.subscriber();
      return target.subscribe(i, (s, data) -> {
        seq.accept(s);
        onMessage.accept(s, data);
      }).<Void>mapEmpty().onComplete(ar -> {
        if (done.incrementAndGet() == n / 2) {
          atHalf.run();
        }
      });
    });
  }

  /** Herald's figure over Socket.IO's, when both ran: below 1 is Herald ahead. */
  private static void ratio(JsonObject figures, String key) {
    Object herald = figures.getValue("herald: " + key);
    Object socketIo = figures.getValue("socket.io: " + key);
    if (herald instanceof Number h && socketIo instanceof Number s && s.doubleValue() > 0) {
      figures.put("herald / socket.io, " + key, Bench.round2(h.doubleValue() / s.doubleValue()));
    }
  }

  private static long sum(List<JsonObject> rounds, String key) {
    return rounds.stream().mapToLong(r -> r.getLong(key)).sum();
  }

  private static double median(List<JsonObject> rounds, String key) {
    return Bench.round2(Bench.median(rounds.stream().mapToDouble(r -> r.getDouble(key)).toArray()));
  }

  /** One round on one server: its figures; the latencies go into {@code into}. */
  private static JsonObject measure(FanoutTarget target, int n, int inFlight, int storms, int warmup, int broadcasts, int idle, Histogram into)
      throws Exception {
    String name = target.name();
    long pid = target.pid();
    target.prepare(n);
    Recorder latency = new Recorder(3);
    LongAdder delivered = new LongAdder();
    CountDownLatch[] round = {new CountDownLatch(0)};
    long heap0 = target.heapAfterGcKb();
    long[] rssHalf = {-1};
    // the first storm meets a fresh process (the JVM compiles the connect path meanwhile); the
    // last, once the clients before it left, a warm one, as when a node's clients fail over to
    // survivors that have been running for a while
    double[] stormSeconds = new double[storms];
    double[] stormCpu = new double[storms];
    double[] stormClientCpu = new double[storms];
    double[] stormJit = new double[storms];
    double closeCpu = 0;
    SeqCheck seqs = null;
    long heap1 = -1;
    long rss1 = -1;
    for (int storm = 0; storm < storms; storm++) {
      SeqCheck check = new SeqCheck();
      Bench.progress(name + ": storm " + (storm + 1) + ": connecting and subscribing " + n + " connections, " + inFlight + " in flight");
      long cpu00 = Proc.cpuMillis(pid);
      long self00 = Proc.cpuMillis(SELF);
      java.util.Map<String, Long> jit00 = Proc.jitThreads(pid);
      long t0 = System.nanoTime();
      boolean first = storm == 0;
      storm(target, n, inFlight, check, (s, data) -> {
        latency.recordValue(Math.max(0, micros() - data.getLong("t")));
        delivered.increment();
        round[0].countDown();
      }, () -> {
        if (first) {
          rssHalf[0] = Proc.rssKbUnchecked(pid);
        }
      });
      stormSeconds[storm] = (System.nanoTime() - t0) / 1e9;
      stormCpu[storm] = (Proc.cpuMillis(pid) - cpu00) * 1000.0 / n;
      stormClientCpu[storm] = (Proc.cpuMillis(SELF) - self00) * 1000.0 / n;
      stormJit[storm] = Proc.jitSince(pid, jit00) * 1000.0 / n;
      seqs = check;
      if (storm == 0) {
        // what the connections of a fresh server hold: resident memory grown from half of them to
        // all (the first ones also pay what any load costs once: a young generation touched for
        // the first time, code compiled), and the live heap after a full collection where there is
        // one (later storms leave the heap they grew: a JVM keeps what it once committed)
        rss1 = Proc.rssKb(pid);
        heap1 = target.heapAfterGcKb();
      }
      if (storm < storms - 1) {
        Bench.progress(name + ": closing them, and waiting for the server to settle");
        long close0 = Proc.cpuMillis(pid);
        target.closeSubscribers().await();
        Proc.awaitQuiet(pid);
        if (storm == storms - 2) {
          // the last close, before the warm storm: what the server does when its clients all go at once
          closeCpu = (Proc.cpuMillis(pid) - close0) * 1000.0 / n;
        }
      }
    }
    Bench.progress(name + ": " + warmup + " warm-up broadcasts");
    broadcast(target, warmup, n, round);
    latency.reset();
    long warmDeliveries = delivered.sumThenReset();
    long rss = Proc.rssKb(pid);
    Bench.progress(name + ": idle CPU over " + idle + " s");
    long idleCpu0 = Proc.cpuMillis(pid);
    long idle0 = System.nanoTime();
    Thread.sleep(idle * 1000L); // measuring the server at rest: there is nothing to await
    double idleCpuPerSecond = (Proc.cpuMillis(pid) - idleCpu0) / ((System.nanoTime() - idle0) / 1e9);
    Bench.progress(name + ": " + broadcasts + " broadcasts");
    long bytes0 = target.bytesReceived();
    long cpu0 = Proc.cpuMillis(pid);
    long w0 = System.nanoTime();
    broadcast(target, broadcasts, n, round);
    double wall = (System.nanoTime() - w0) / 1e9;
    long cpu = Proc.cpuMillis(pid) - cpu0;
    long d = delivered.sum();
    long bytes = target.bytesReceived() - bytes0;
    Histogram h = latency.getIntervalHistogram();
    into.add(h);
    JsonObject figures = new JsonObject().put("connect storm, fresh server (s)", Bench.round2(stormSeconds[0]))
        .put("server CPU per connect + subscribe, fresh (µs)", Bench.round2(stormCpu[0]))
        .put("connect storm, warm server (s)", Bench.round2(stormSeconds[storms - 1]))
        .put("server CPU per connect + subscribe, warm (µs)", Bench.round2(stormCpu[storms - 1]))
        .put("server CPU per close, warm, to the server settled (µs)", Bench.round2(closeCpu))
        .put("load generator CPU per connect + subscribe, fresh server (µs)", Bench.round2(stormClientCpu[0]))
        .put("load generator CPU per connect + subscribe, warm server (µs)", Bench.round2(stormClientCpu[storms - 1]))
        .put("deliveries", d)
        .put("warm-up deliveries", warmDeliveries)
        .put("lost seqs", seqs.lost())
        .put("duplicated seqs", seqs.duplicated())
        .put("subscribers that received nothing", seqs.silent())
        .put("latency p50 (ms)", Bench.ms(h.getValueAtPercentile(50)))
        .put("latency p99 (ms)", Bench.ms(h.getValueAtPercentile(99)))
        .put("latency max (ms)", Bench.ms(h.getMaxValue()))
        .put("deliveries per second", Math.round(d / wall))
        .put("server CPU per delivery (µs)", d == 0 ? 0 : Bench.round2(cpu * 1000.0 / d))
        .put("server CPU per delivery above idle (µs)", d == 0 ? 0 : Bench.round2((cpu - idleCpuPerSecond * wall) * 1000.0 / d))
        .put("bytes per delivered message", d == 0 ? 0 : Bench.round2((double) bytes / d))
        .put("server idle CPU (ms/s)", Bench.round2(idleCpuPerSecond))
        .put("server RSS with all subscribed (MiB)", rss / 1024)
        .put("server RSS per subscribed connection, from half to all of them (KB)", Bench.round2((double) (rss1 - rssHalf[0]) / (n - n / 2)));
    if (target.jvm()) {
      figures.put("of which JIT compiler threads, fresh (µs)", Bench.round2(stormJit[0]))
          .put("of which JIT compiler threads, warm (µs)", Bench.round2(stormJit[storms - 1]));
    }
    if (heap1 >= 0) {
      figures.put("server heap per subscribed connection, after GC (KB)", Bench.round2((double) (heap1 - heap0) / n));
    }
    return figures.mergeIn(target.extraFigures());
  }

  /** Publishes {@code count} messages one at a time, each awaited by all {@code n} subscribers. */
  private static void broadcast(FanoutTarget target, int count, int n, CountDownLatch[] round) throws Exception {
    for (int b = 0; b < count; b++) {
      round[0] = new CountDownLatch(n);
      target.publish(new JsonObject().put("t", micros()).put("b", b));
      if (!round[0].await(30, TimeUnit.SECONDS)) {
        Bench.progress(target.name() + ": broadcast " + b + " reached " + (n - round[0].getCount()) + " of " + n);
      }
    }
  }

  /** The load generator's monotonic clock in µs (exact as a JSON number in JavaScript too). */
  static long micros() {
    return System.nanoTime() / 1000;
  }
}
