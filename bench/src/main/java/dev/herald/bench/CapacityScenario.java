package dev.herald.bench;

import dev.herald.client.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Idle authenticated connections on one node: opened at {@code rate} a second up to {@code target}
 * or until connects fail, each subscribed to its user's inbox and pinging every 5 s. A process here
 * cannot hold more than 20 000 open files, so the connections come from as many client processes
 * as the target needs ({@code capacity-client}, this bench jar again), each on its own source
 * addresses past the ephemeral-port limit. Reports the node's RSS and heap after a full GC per
 * connection, connect errors, the time to open them and each one's connect-to-registered time
 * (charted), and which bound stopped the run.
 */
final class CapacityScenario {

  /** Marks a client process's result line on its standard output. */
  private static final String RESULT = "capacity-client result: ";

  /** Files a client process keeps for itself (jars, logs, /proc reads) besides its sockets. */
  private static final int OWN_FILES = 300;

  private CapacityScenario() {
  }

  static JsonObject run(Bench.Options o) throws Exception {
    int target = o.integer("target", 50_000);
    int rate = o.integer("rate", 2000);
    int sources = o.integer("sources", 4);
    int perProcess = Integer.parseInt(Proc.openFilesLimit(ProcessHandle.current().pid())) - OWN_FILES;
    int processes = (target + perProcess - 1) / perProcess;
    JsonObject params = new JsonObject().put("target", target).put("rate", rate).put("sources", sources).put("clientProcesses", processes);
    try (LocalCluster cluster = new LocalCluster(Path.of("target/bench/capacity-logs"))) {
      Bench.progress("starting 1 node; " + processes + " client process(es) of up to " + perProcess + " connections each");
      cluster.start(1);
      long pid = cluster.pid(1);
      int users = Math.max(1, target / 100);
      long rssBefore = Proc.rssKb(pid);
      long heapBefore = Proc.heapAfterGcKb(pid);
      long t0 = System.nanoTime();
      List<Process> clients = new ArrayList<>();
      List<CompletableFuture<JsonObject>> results = new ArrayList<>();
      String jar = new File(CapacityScenario.class.getProtectionDomain().getCodeSource().getLocation().getPath()).getPath();
      for (int k = 0; k < processes; k++) {
        int count = Math.min(perProcess, target - k * perProcess);
        Process p = new ProcessBuilder("java", "-jar", jar, "capacity-client", "--count", String.valueOf(count),
            "--rate", String.valueOf(Math.max(1, rate / processes)), "--sources", String.valueOf(sources),
            "--firstSource", String.valueOf(2 + k * sources), "--users", String.valueOf(users))
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        clients.add(p);
        results.add(CompletableFuture.supplyAsync(() -> lastLine(p)));
      }
      try {
        long open = 0;
        long errors = 0;
        String firstError = null;
        Histogram connectTime = new Histogram(3);
        for (CompletableFuture<JsonObject> r : results) {
          JsonObject done = r.get();
          connectTime.add(Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(done.getString("connectMicros"))), 0));
          open += done.getLong("open");
          errors += done.getLong("errors");
          firstError = firstError != null ? firstError : done.getString("firstError");
        }
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(6000); // a ping round on every connection, then measure at rest
        long nodeFiles = Proc.openFiles(pid);
        long rssAfter = Proc.rssKb(pid);
        long heapAfter = Proc.heapAfterGcKb(pid);
        String bound = errors > 0
            ? "connect errors after " + open + " open (" + firstError + "): the node's open-files limit is " + Proc.openFilesLimit(pid)
            : "the target (" + target + ")";
        JsonObject figures = new JsonObject()
            .put("connections open", open)
            .put("connect errors", errors)
            .put("stopped by", bound)
            .put("node open files at rest / its limit", nodeFiles + " / " + Proc.openFilesLimit(pid))
            .put("client processes", processes)
            .put("time to open (s)", Math.round(openSeconds * 10) / 10.0)
            .put("connect and register p50 (ms)", Bench.ms(connectTime.getValueAtPercentile(50)))
            .put("connect and register p99 (ms)", Bench.ms(connectTime.getValueAtPercentile(99)))
            .put("node RSS before (MiB)", rssBefore / 1024)
            .put("node RSS after (MiB)", rssAfter / 1024)
            .put("RSS per connection (KB)", open == 0 ? 0 : Math.round((rssAfter - rssBefore) * 10.0 / open) / 10.0)
            .put("heap after GC per connection (KB)", open == 0 ? 0 : Math.round((heapAfter - heapBefore) * 10.0 / open) / 10.0);
        Chart chart = new Chart("connect, authenticate and register, " + open + " connections at " + rate + "/s", "µs")
            .add("connect and register", connectTime);
        return new JsonObject().put("scenario", "capacity").put("parameters", params).put("figures", figures).put("chart", chart.svg());
      } finally {
        clients.forEach(Process::destroy); // closing their connections
        for (Process p : clients) {
          p.waitFor(20, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** A client process's last line on standard output: its result. */
  private static JsonObject lastLine(Process p) {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith(RESULT)) {
          return new JsonObject(line.substring(RESULT.length()));
        }
      }
      throw new IllegalStateException("a capacity client ended without a result (exit " + p.waitFor() + ")");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code bench capacity-client}: opens {@code count} connections to node 1 at {@code rate} a second
   * from 127.0.0.firstSource.. (sources addresses), stopping at the first connect error; prints
   * {@code {"open", "errors", "firstError"}} on one line after {@link #RESULT} and holds the connections until killed.
   */
  static int client(Bench.Options o) throws Exception {
    int count = o.integer("count", 1000);
    int rate = o.integer("rate", 1000);
    int sources = o.integer("sources", 4);
    int firstSource = o.integer("firstSource", 2);
    int users = o.integer("users", 100);
    Vertx vertx = Vertx.vertx();
    List<WebSocketClient> clients = new ArrayList<>();
    for (int s = 0; s < sources; s++) {
      clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
          .setLocalAddress("127.0.0." + (firstSource + s))));
    }
    List<String> tokens = LocalCluster.tokens("idle-", users, new JsonObject());
    AtomicLong errors = new AtomicLong();
    AtomicLong open = new AtomicLong();
    Recorder connectTime = new Recorder(3);
    String[] firstError = {null};
    long t0 = System.nanoTime();
    long interval = 1_000_000_000L / rate;
    int step = Math.max(1, rate / 10); // a tenth of a second's worth, then keep to the rate
    List<Future<?>> batch = new ArrayList<>();
    for (int i = 0; i < count && errors.get() == 0; i++) {
      int user = i % users;
      long started = System.nanoTime();
      // a node out of open files never answers the handshake: give up on a connection after 10 s
      batch.add(BridgeClient.connect(vertx, clients.get(i % sources), LocalCluster.httpPort(1), tokens.get(user))
          .compose(c -> c.subscribe(Wire.inbox("idle-" + user), f -> { }))
          .timeout(10, TimeUnit.SECONDS)
          .onSuccess(x -> {
            connectTime.recordValue((System.nanoTime() - started) / 1000);
            open.incrementAndGet();
          })
          .onFailure(e -> {
            synchronized (firstError) {
              firstError[0] = firstError[0] == null ? e.toString() : firstError[0];
            }
            errors.incrementAndGet();
          }));
      if (batch.size() == step) {
        Future.join(batch).otherwiseEmpty().await(); // failures are counted above
        batch.clear();
        long wait = t0 + (i + 1) * interval - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        if ((i + 1) % 2000 < step) {
          Bench.progress("client from 127.0.0." + firstSource + ": " + (i + 1) + " attempted, " + open.get() + " open, " + errors.get() + " errors");
        }
      }
    }
    Future.join(batch).otherwiseEmpty().await();
    Histogram h = connectTime.getIntervalHistogram();
    ByteBuffer encoded = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    h.encodeIntoCompressedByteBuffer(encoded);
    System.out.println(RESULT + new JsonObject().put("open", open.get()).put("errors", errors.get()).put("firstError", firstError[0])
        .put("connectMicros", Base64.getEncoder().encodeToString(Arrays.copyOf(encoded.array(), encoded.position()))).encode());
    System.out.flush();
    Thread.currentThread().join(); // hold the connections until the scenario ends this process
    return 0;
  }
}
