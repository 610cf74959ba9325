package dev.herald.bench;

import dev.herald.client.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * The reconnect-storm control measured (bridge.connectsPerSecond): {@code clients} clients of node 3
 * reconnect to nodes 1 and 2 when node 3 is killed, each as /herald-client.js does (full-jitter
 * backoff: a random wait from 0 to 500 ms doubling per failed try up to 15 s, at most 8 tries; a
 * close 1013 with {@code retryAfterMs} makes that hint the floor and counts as no failed try, at
 * most 32 of them); the survivors meanwhile serve their own {@code probes} clients each, subscribed
 * to a channel a publisher writes {@code rate} messages a second to over the HTTP API (a separate
 * process, {@link Probe}: its sockets do not count against the load generator's open files).
 * Measured: the probes' delivery latency in the {@code baseline} seconds before the kill and from
 * the kill to the last storm client subscribed again, messages they lost, the storm's duration,
 * its 1013 turn-aways and its other errors. Twice in one run, each on a fresh cluster whose
 * survivors took the same {@code warmups} storms first (the same storm without a death): with the
 * shipped control, then with {@code bridge.connectsPerSecond} at its maximum (1 000 000) on the
 * survivors, that is without it. Node 3 holds all the clients at once: it may have at most
 * 20 000 open files here, hence 19 500 by default rather than 20 000.
 */
final class StormScenario {

  private static final String STORM_CHANNEL = "storm.quiet";
  private static final String PROBE_CHANNEL = "storm.live";
  /** What "without the control" sets on the survivors: the highest value bridge.connectsPerSecond takes. */
  static final int NO_CONTROL = 1_000_000;

  private StormScenario() {
  }

  static JsonObject run(Bench.Options o) throws Exception {
    int clients = o.integer("clients", 19_500);
    int probes = o.integer("probes", 500);
    int rate = o.integer("rate", 20);
    int baseline = o.integer("baseline", 10);
    int warmups = o.integer("warmups", 2);
    String variants = o.string("variants", "control,none");
    int admits = o.integer("connectsPerSecond", 0); // 0: as shipped
    JsonObject params = new JsonObject().put("clients", clients).put("probes per survivor", probes).put("rate", rate)
        .put("baseline", baseline).put("warmups", warmups).put("variants", variants)
        .put("connectsPerSecond with the control", admits == 0 ? "as shipped" : String.valueOf(admits));
    JsonObject figures = new JsonObject();
    for (String v : variants.split(",")) {
      if (!v.equals("control") && !v.equals("none")) {
        throw new IllegalArgumentException("--variants lists control and/or none, not '" + v + "'");
      }
      JsonObject f = variant(v.equals("control"), admits, clients, probes, rate, baseline, warmups);
      String prefix = v.equals("control") ? "with the control: " : "without the control: ";
      f.forEach(e -> figures.put(prefix + e.getKey(), e.getValue()));
    }
    if (figures.containsKey("with the control: kill to every client subscribed again (s)")
        && figures.containsKey("without the control: kill to every client subscribed again (s)")) {
      figures.put("storm p99 with the control over without", Bench.round2(figures.getDouble("with the control: survivors' clients during the storm: p99 (ms)")
          / Math.max(0.01, figures.getDouble("without the control: survivors' clients during the storm: p99 (ms)"))));
    }
    return new JsonObject().put("scenario", "storm").put("parameters", params).put("figures", figures);
  }

  private static JsonObject variant(boolean control, int admits, int clients, int probes, int rate, int baseline, int warmups) throws Exception {
    String name = control ? "with the control (bridge.connectsPerSecond " + (admits == 0 ? "as shipped" : admits) + ")"
        : "without the control (survivors at " + NO_CONTROL + "/s)";
    JsonObject figures = new JsonObject();
    Vertx vertx = Vertx.vertx();
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000).setConnectTimeout(10_000));
    LocalCluster cluster = new LocalCluster(Path.of("target/bench/storm-logs"));
    if (!control || admits > 0) {
      JsonObject rate0 = new JsonObject().put("bridge", new JsonObject().put("connectsPerSecond", control ? admits : NO_CONTROL));
      cluster.withConf(1, rate0).withConf(2, rate0);
    }
    Process probe = null;
    try (cluster) {
      Bench.progress(name + ": starting 3 nodes");
      cluster.start(3);
      List<String> tokens = LocalCluster.tokens("st-", clients, new JsonObject().put("channels", new JsonArray().add("storm.*")));
      List<StormClient> storm = new ArrayList<>(clients);
      for (int i = 0; i < clients; i++) {
        storm.add(new StormClient(vertx, ws, i, tokens.get(i)));
      }
      IntUnaryOperator survivors = i -> 1 + i % 2;
      // the survivors' own clients from the start: the warm-up storms (no death) are measured too
      Bench.progress(name + ": " + probes + " clients on each survivor, " + rate + " messages a second to them");
      probe = Probe.start(probes, rate);
      PrintWriter toProbe = new PrintWriter(probe.getOutputStream(), true, StandardCharsets.UTF_8);
      BufferedReader fromProbe = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8));
      expect(fromProbe, "ready");
      for (int k = 1; k <= warmups; k++) {
        Bench.progress(name + ": warm-up " + k + " of " + warmups + ": the same storm onto nodes 1 and 2 without a death");
        toProbe.println("mark warm-up " + k);
        expect(fromProbe, "ok");
        Tally w = stormOnto(vertx, storm, survivors);
        toProbe.println("mark between " + k);
        expect(fromProbe, "ok");
        Bench.progress("  " + w.json().encode());
        figures.put("warm-up " + k + ": storm without a death (s)", w.json().getDouble("seconds"));
        closeAll(storm);
        Proc.awaitQuiet(cluster.pid(1), cluster.pid(2));
      }
      Bench.progress(name + ": connecting " + clients + " clients to node 3, 256 at a time");
      Bench.bounded(clients, 256, i -> storm.get(i).connect(n -> 3));
      Proc.awaitQuiet(cluster.pid(1), cluster.pid(2), cluster.pid(3));
      toProbe.println("mark before");
      expect(fromProbe, "ok");
      Thread.sleep(baseline * 1000L); // the baseline window is a span of time, not an event
      List<Future<Short>> closed = storm.stream().map(c -> c.current.closed()).toList();
      toProbe.println("mark storm");
      expect(fromProbe, "ok");
      Bench.progress(name + ": kill -9 node 3 (pid " + cluster.pid(3) + ")");
      Survivors s0 = Survivors.now(cluster);
      long killedAt = System.nanoTime();
      cluster.kill(3);
      Future.join(closed).await();
      double seenClosed = (System.nanoTime() - killedAt) / 1e9;
      Tally t = new Tally(clients, killedAt);
      List<Future<Void>> back = storm.stream().map(c -> c.reconnect(survivors, null, t)).toList();
      Future.join(back).timeout(300, TimeUnit.SECONDS).await();
      toProbe.println("mark after");
      expect(fromProbe, "ok");
      double cpu = Survivors.now(cluster).cpuMs - s0.cpuMs;
      JsonObject st = t.json();
      Bench.progress("  " + st.encode());
      Thread.sleep(3000); // a short window after the storm: how soon the survivors are back to normal
      toProbe.println("stop");
      JsonObject report = new JsonObject(expect(fromProbe, "{"));
      figures.put("kill to every client seeing the close (s)", Bench.round2(seenClosed))
          .put("kill to every client subscribed again (s)", st.getDouble("seconds"))
          .put("storm clients subscribed again", st.getInteger("subscribed"))
          .put("storm clients that gave up", st.getInteger("gave up"))
          .put("turned away (1013, retryAfterMs)", st.getInteger("turned away"))
          .put("errors (failed connects and other closes)", st.getInteger("errors"))
          .put("connect attempts per client", Bench.round2(st.getInteger("attempts") / (double) clients))
          .put("survivors' CPU during the storm (s)", Bench.round2(cpu / 1000));
      for (String w : report.fieldNames()) {
        if (!(report.getValue(w) instanceof JsonObject r) || w.startsWith("between")) {
          continue;
        }
        String label = switch (w) {
          case "before" -> "survivors' clients before the kill: ";
          case "storm" -> "survivors' clients during the storm: ";
          case "after" -> "survivors' clients in the 3 s after: ";
          default -> "survivors' clients during " + w + " (no death): ";
        };
        r.forEach(e -> figures.put(label + e.getKey(), e.getValue()));
      }
      figures.put("publishes that failed", report.getInteger("publishes failed")).put("why publishes failed", report.getJsonArray("why"));
      closeAll(storm);
      return figures;
    } finally {
      if (probe != null) {
        probe.destroy();
        probe.waitFor(10, TimeUnit.SECONDS);
      }
      ws.close().await();
      vertx.close().await();
    }
  }

  /** The survivors' CPU so far (ms). */
  private record Survivors(long cpuMs) {
    static Survivors now(LocalCluster c) throws Exception {
      return new Survivors(Proc.cpuMillis(c.pid(1)) + Proc.cpuMillis(c.pid(2)));
    }
  }

  private static String expect(BufferedReader in, String prefix) throws Exception {
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new IllegalStateException("the probe process ended before saying '" + prefix + "'");
  }

  /** Every client connects at once (each after its own jitter, as after losing its node) onto {@code node(i)}; done once all are. */
  private static Tally stormOnto(Vertx vertx, List<StormClient> storm, IntUnaryOperator node) {
    Tally t = new Tally(storm.size(), System.nanoTime());
    Future.join(storm.stream().map(c -> c.reconnect(node, null, t)).toList()).timeout(300, TimeUnit.SECONDS).await();
    return t;
  }

  private static void closeAll(List<StormClient> storm) {
    Future.join(storm.stream().map(c -> c.current == null ? Future.<Void>succeededFuture() : c.current.close()).toList()).await();
  }

  /** A storm's counts. */
  static final class Tally {
    final int clients;
    final long from;
    final AtomicInteger subscribed = new AtomicInteger();
    final AtomicInteger gaveUp = new AtomicInteger();
    final AtomicInteger turnedAway = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();
    final AtomicInteger attempts = new AtomicInteger();
    volatile long lastAt;

    Tally(int clients, long from) {
      this.clients = clients;
      this.from = from;
      this.lastAt = from;
    }

    JsonObject json() {
      return new JsonObject().put("seconds", Bench.round2((lastAt - from) / 1e9)).put("subscribed", subscribed.get()).put("gave up", gaveUp.get())
          .put("turned away", turnedAway.get()).put("errors", errors.get()).put("attempts", attempts.get());
    }
  }

  /**
   * One storm client, reconnecting as /herald-client.js's _reconnect does (its DEFAULTS: maxAttempts
   * 8, baseDelayMs 500, maxDelayMs 15000); behind a load balancer that sends each try to the next
   * survivor.
   */
  static final class StormClient {
    static final int MAX_ATTEMPTS = 8;
    static final long BASE_DELAY_MS = 500;
    static final long MAX_DELAY_MS = 15_000;

    private final Vertx vertx;
    private final WebSocketClient ws;
    private final int index;
    private final String token;
    volatile BridgeClient current;
    private int attempt;
    private int hinted;
    private int tries;

    StormClient(Vertx vertx, WebSocketClient ws, int index, String token) {
      this.vertx = vertx;
      this.ws = ws;
      this.index = index;
      this.token = token;
    }

    /** The first connect, at once, retrying as after a loss; completes once subscribed. */
    Future<Void> connect(IntUnaryOperator node) {
      attempt = 0;
      hinted = 0;
      Promise<Void> done = Promise.promise();
      open(node, new Tally(1, System.nanoTime()), done);
      return done.future();
    }

    /** After a lost connection ({@code hintMs} the server's retryAfterMs, or null); completes once subscribed again or given up. */
    Future<Void> reconnect(IntUnaryOperator node, Long hintMs, Tally t) {
      attempt = 0;
      hinted = 0;
      Promise<Void> done = Promise.promise();
      backoff(node, hintMs, t, done);
      return done.future();
    }

    private void backoff(IntUnaryOperator node, Long hintMs, Tally t, Promise<Void> done) {
      boolean hint = hintMs != null && hintMs >= 0 && hintMs <= 60_000;
      if (hint) {
        hinted++;
      }
      if (attempt >= MAX_ATTEMPTS || hinted > 4 * MAX_ATTEMPTS) {
        t.gaveUp.incrementAndGet();
        done.complete();
        return;
      }
      long exp = Math.min(MAX_DELAY_MS, BASE_DELAY_MS << Math.min(attempt, 20));
      long delay = Math.round(ThreadLocalRandom.current().nextDouble() * exp);
      if (hint) {
        delay = Math.max(delay, hintMs);
      } else {
        attempt++;
      }
      vertx.setTimer(Math.max(1, delay), id -> open(node, t, done));
    }

    private void open(IntUnaryOperator node, Tally t, Promise<Void> done) {
      t.attempts.incrementAndGet();
      long[] hint = {-1};
      int port = LocalCluster.httpPort(node.applyAsInt(index + tries++));
      BridgeClient.connect(vertx, ws, port, token).onComplete(ar -> {
        if (ar.failed()) {
          t.errors.incrementAndGet();
          backoff(node, null, t, done);
          return;
        }
        BridgeClient c = ar.result();
        c.otherFrames(f -> {
          if ("err".equals(f.getString("type")) && "closed".equals(f.getString("body")) && f.getValue("retryAfterMs") instanceof Number n) {
            hint[0] = n.longValue();
          }
        });
        c.subscribe(Wire.channel(STORM_CHANNEL), f -> { }).timeout(30, TimeUnit.SECONDS).onComplete(sub -> {
          // the barrier's answer (an err: no client may use its address) says the register was handled
          if (sub.succeeded() && !c.isClosed()) {
            current = c;
            t.subscribed.incrementAndGet();
            t.lastAt = System.nanoTime();
            done.complete();
            return;
          }
          c.close();
          c.closed().onComplete(code -> {
            if (code.succeeded() && code.result() != null && code.result() == 1013) {
              t.turnedAway.incrementAndGet();
              backoff(node, hint[0] >= 0 ? hint[0] : null, t, done);
            } else {
              t.errors.incrementAndGet();
              backoff(node, null, t, done);
            }
          });
        });
      });
    }
  }

  /**
   * The survivors' own clients, in a process of their own ({@code java -cp herald-bench.jar
   * dev.herald.bench.StormScenario$Probe PROBES RATE}): PROBES clients on node 1 and as many on
   * node 2, subscribed to {@value #PROBE_CHANNEL}; a publisher sends RATE messages a second over
   * the HTTP API, to node 1 and 2 in turn, each carrying its number; a delivery's latency is the
   * publish's start to the client's frame, on this process's clock. Says {@code ready} once all
   * are subscribed and publishing; {@code mark NAME} starts a window (answered {@code ok});
   * {@code stop} ends publishing and, 5 s later, prints one line of JSON: per window (by the
   * publish's start), deliveries, p50/p99/max and lost (an acknowledged message a subscribed
   * client never got).
   */
  static final class Probe {

    static Process start(int probes, int rate) throws Exception {
      String jar = Path.of(StormScenario.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
      List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-cp", jar, Probe.class.getName(),
          String.valueOf(probes), String.valueOf(rate)));
      return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    public static void main(String[] args) throws Exception {
      int probes = Integer.parseInt(args[0]);
      int rate = Integer.parseInt(args[1]);
      Vertx vertx = Vertx.vertx();
      WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(10_000));
      List<String> tokens = LocalCluster.tokens("probe-", 2 * probes, new JsonObject().put("channels", new JsonArray().add("storm.*")));
      int n = 2 * probes;
      int maxMessages = rate * 3600;
      long[] sentAt = new long[maxMessages];
      boolean[] acked = new boolean[maxMessages];
      long[] ackMicros = new long[maxMessages]; // the publish's start to its 201: what part of a delivery's latency is the publish's own
      boolean[] refused = new boolean[maxMessages];
      java.util.Set<String> why = java.util.concurrent.ConcurrentHashMap.newKeySet();
      // every delivery: message number << 32 | latency in µs (capped)
      long[][] deliveries = {new long[1 << 20]};
      int[] count = {0};
      Object lock = new Object();
      Bench.bounded(n, 64, i -> BridgeClient.connect(vertx, ws, LocalCluster.httpPort(1 + i % 2), tokens.get(i))
          .compose(c -> c.subscribe(Wire.channel(PROBE_CHANNEL), f -> {
            long now = System.nanoTime();
            int k = f.getJsonObject("body").getJsonObject("data").getInteger("k");
            long micros = Math.min(0xffffffffL, (now - sentAt[k]) / 1000);
            synchronized (lock) {
              if (count[0] == deliveries[0].length) {
                deliveries[0] = java.util.Arrays.copyOf(deliveries[0], deliveries[0].length * 2);
              }
              deliveries[0][count[0]++] = ((long) k << 32) | micros;
            }
          })));
      String service = LocalCluster.serviceToken("storm-publisher");
      io.vertx.core.http.HttpClient[] http = {
          vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(LocalCluster.httpPort(1))),
          vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(LocalCluster.httpPort(2)))};
      AtomicInteger next = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      long timer = vertx.setPeriodic(1000 / rate, id -> {
        int k = next.getAndIncrement();
        if (k >= maxMessages) {
          return;
        }
        sentAt[k] = System.nanoTime();
        http[k % 2].request(io.vertx.core.http.HttpMethod.POST, "/api/v1/channels/" + PROBE_CHANNEL + "/messages")
            .compose(req -> req.putHeader("Authorization", "Bearer " + service).putHeader("Content-Type", "application/json")
                .send(new JsonObject().put("data", new JsonObject().put("k", k)).encode()))
            .compose(resp -> resp.body().compose(b -> resp.statusCode() == 201 ? Future.succeededFuture()
                : Future.failedFuture("answered " + resp.statusCode() + " " + b)))
            .timeout(10, TimeUnit.SECONDS)
            .onComplete(ar -> {
              if (ar.succeeded()) {
                ackMicros[k] = (System.nanoTime() - sentAt[k]) / 1000;
                acked[k] = true;
              } else {
                failed.incrementAndGet();
                refused[k] = true;
                if (why.size() < 5) {
                  why.add(String.valueOf(ar.cause().getMessage()));
                }
              }
            });
      });
      System.out.println("ready");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      List<String> names = new ArrayList<>();
      List<Integer> starts = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null && !line.equals("stop")) {
        if (line.startsWith("mark ")) {
          names.add(line.substring(5));
          starts.add(next.get());
          System.out.println("ok");
        }
      }
      vertx.cancelTimer(timer);
      int end = Math.min(next.get(), maxMessages);
      Thread.sleep(5000); // what is still on its way gets 5 s to arrive: a span, not an event
      JsonObject out = new JsonObject().put("publishes failed", failed.get()).put("why", new JsonArray(new ArrayList<>(why)));
      long[] all;
      synchronized (lock) {
        all = java.util.Arrays.copyOf(deliveries[0], count[0]);
      }
      for (int w = 0; w < names.size(); w++) {
        int from = starts.get(w);
        int to = w + 1 < names.size() ? starts.get(w + 1) : end;
        org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
        for (long d : all) {
          int k = (int) (d >>> 32);
          if (k >= from && k < to) {
            h.recordValue(d & 0xffffffffL);
          }
        }
        long expected = 0;
        int refusedHere = 0;
        org.HdrHistogram.Histogram acks = new org.HdrHistogram.Histogram(3);
        for (int k = from; k < to; k++) {
          if (acked[k]) {
            acks.recordValue(ackMicros[k]);
          }
          expected += acked[k] ? n : 0;
          refusedHere += refused[k] ? 1 : 0;
        }
        out.put(names.get(w), new JsonObject().put("messages published", to - from).put("deliveries", h.getTotalCount())
            .put("p50 (ms)", Bench.ms(h.getValueAtPercentile(50))).put("p99 (ms)", Bench.ms(h.getValueAtPercentile(99)))
            .put("max (ms)", Bench.ms(h.getMaxValue())).put("lost", Math.max(0, expected - h.getTotalCount())).put("publishes failed", refusedHere)
            .put("publish acknowledged p50 (ms)", Bench.ms(acks.getValueAtPercentile(50))).put("publish acknowledged p99 (ms)", Bench.ms(acks.getValueAtPercentile(99))));
      }
      System.out.println(out.encode());
      System.out.flush();
      vertx.close().await();
      System.exit(0);
    }
  }
}
