package dev.herald.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * {@code java -jar bench/target/herald-bench.jar SCENARIO [--key value ...]} (run through
 * {@code scripts/bench.sh}, from the repository's root): starts the nodes a scenario needs from
 * the product jar ({@link LocalCluster#HERALD_JAR}), drives them, stops what it started, writes
 * {@code target/bench/SCENARIO.json} and appends a table to {@code docs/benchmarks-log.md}.
 */
public final class Bench {

  private Bench() {
  }

  public static void main(String[] args) throws Exception {
    try {
      System.exit(run(args));
    } catch (Unavailable e) {
      System.err.println("bench: " + e.getMessage());
      System.exit(3);
    }
  }

  /** A scenario that cannot run on this machine (exit 3, as scripts/chaos.sh's), saying why. */
  static final class Unavailable extends Exception {
    Unavailable(String why) {
      super(why);
    }
  }

  static int run(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: bench cluster [--subscribers 10] [--msgRate 1000] [--seconds 10] [--warmup 20]"
          + " [--watchers 100] [--changes 500] [--rate 50] [--victims 100]\n"
          + "       bench fanout [--subscribers 10000] [--broadcasts 20] [--warmup 10] [--idle 5] [--rounds 3] [--inflight 256] [--storms 3] [--compare socket.io,ws|none]\n"
          + "       bench polling-vs-push [--clients 100] [--seconds 30] [--warmup 10] [--baseline 30]\n"
          + "       bench capacity [--target 50000] [--rate 2000] [--sources 4]\n"
          + "       bench failover [--clients 10000] [--inflight 256] [--warmups 12] [--deaths 2] [--compare socket.io|none]\n"
          + "       bench abuse [--seconds 10] [--attacks none,pings,fragments,pipelining,upgrade-idle,history,connections]\n"
          + "       bench proxy [--connects 2000] [--concurrency 50] [--publishes 2000] [--downSeconds 5] [--backendPort 18790]\n"
          + "       bench delta [--subscribers 200] [--seconds 10] [--rate 20]\n"
          + "       bench scale [--hosts 1,2,3,6] [--clients 2000] [--broadcasts 20] [--warmup 2] [--interval 500] [--rooms 0] [--waitSeconds 30] [--idle 3] [--maxSeconds 1800]\n"
          + "         (root: network namespaces hs1..hsN, one node and one client process each)\n"
          + "every scenario: [--report docs/benchmarks-log.md|none]");
      return 2;
    }
    Map<String, String> opts = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        System.err.println("bench: options are --key value pairs (at '" + args[i] + "')");
        return 2;
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    if (args[0].equals("capacity-client")) { // one of the capacity scenario's client processes
      return CapacityScenario.client(new Options(opts));
    }
    if (args[0].equals("chaos-client")) { // a client process of scripts/chaos.sh, inside one of its hosts
      return ChaosClient.run(new Options(opts));
    }
    if (args[0].equals("chaos-check")) { // the checker of scripts/chaos.sh, once the fault healed
      return ChaosCheck.run(new Options(opts));
    }
    String command = "scripts/bench.sh " + String.join(" ", args);
    JsonObject result;
    switch (args[0]) {
      case "cluster" -> result = ClusterScenario.run(new Options(opts));
      case "fanout" -> result = FanoutScenario.run(new Options(opts));
      case "polling-vs-push" -> result = PollingVsPushScenario.run(new Options(opts));
      case "capacity" -> result = CapacityScenario.run(new Options(opts));
      case "failover" -> result = FailoverScenario.run(new Options(opts));
      case "storm" -> result = StormScenario.run(new Options(opts));
      case "abuse" -> result = AbuseScenario.run(new Options(opts));
      case "proxy" -> result = ProxyScenario.run(new Options(opts));
      case "delta" -> result = DeltaScenario.run(new Options(opts));
      case "scale" -> result = ScaleScenario.run(new Options(opts));
      default -> {
        System.err.println("bench: unknown scenario '" + args[0] + "' (known: cluster, fanout, polling-vs-push, capacity, failover, abuse, proxy, delta, storm, scale)");
        return 2;
      }
    }
    result.put("command", command).put("machine", machine()).put("at", Instant.now().toString());
    String svg = (String) result.remove("chart");
    Path out = Path.of("target/bench", args[0] + ".json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, result.encodePrettily());
    if (svg != null) {
      Files.writeString(Path.of("target/bench", args[0] + ".svg"), svg);
    }
    String report = opts.getOrDefault("report", "docs/benchmarks-log.md");
    if (!report.equals("none")) {
      String md = Report.markdown(args[0], command, result);
      if (svg != null) {
        // the chart goes beside the report, named by scenario: the latest run's
        Path chart = Path.of(report).toAbsolutePath().getParent().resolve("bench").resolve(args[0] + ".svg");
        Files.createDirectories(chart.getParent());
        Files.writeString(chart, svg);
        md += "\n![" + args[0] + " latency](bench/" + args[0] + ".svg)\n";
      }
      Files.writeString(Path.of(report), md, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    System.out.println(result.encodePrettily());
    return 0;
  }

  /** Microseconds as milliseconds with two decimals. */
  static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  /** The median of {@code values} (the mean of the middle two when they are even in number). */
  static double median(double... values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** How long one operation of {@link #bounded} may take before the scenario fails. */
  static final long OPERATION_TIMEOUT_S = 120;

  /**
   * Starts {@code n} operations, {@code inFlight} at a time (the next as soon as one before it
   * completes), and waits for all of them: a storm of connects. One that has not completed in
   * {@value #OPERATION_TIMEOUT_S} s fails the scenario (it waited for ever once, on a Socket.IO join).
   */
  static <T> List<Future<T>> bounded(int n, int inFlight, IntFunction<Future<T>> start) throws InterruptedException {
    Semaphore slots = new Semaphore(inFlight);
    List<Future<T>> started = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      slots.acquire();
      int op = i;
      started.add(start.apply(i).timeout(OPERATION_TIMEOUT_S, TimeUnit.SECONDS)
          .recover(err -> Future.failedFuture(new IllegalStateException("operation " + op + " of " + n + " failed: " + err, err)))
          .onComplete(ar -> slots.release()));
    }
    Future.all(started).await();
    return started;
  }

  /** The progress line on standard error. */
  static void progress(String what) {
    System.err.println("[bench] " + what);
  }

  static JsonObject machine() {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return new JsonObject().put("cores", machineCores())
        .put("pinning", System.getenv("HERALD_NODE_CPUS") == null ? "none"
            : "nodes on cpu " + System.getenv("HERALD_NODE_CPUS") + ", load generator on the others")
        .put("memoryMiB", os.getTotalMemorySize() / (1024 * 1024))
        .put("java", System.getProperty("java.version"))
        .put("nodeJava", System.getenv().getOrDefault("HERALD_JAVA_MAJOR", "java on the PATH"))
        .put("nodeJavaOpts", System.getenv().getOrDefault("HERALD_NODE_JAVA_OPTS", ""))
        .put("note", "load generator and nodes share this machine");
  }

  /** The machine's cores, whatever this process is pinned to. */
  private static int machineCores() {
    try {
      String present = Files.readString(Path.of("/sys/devices/system/cpu/present")).trim(); // e.g. "0-1"
      int dash = present.lastIndexOf('-');
      return dash < 0 ? 1 : Integer.parseInt(present.substring(dash + 1)) + 1;
    } catch (Exception e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  /** The scenario's options, with defaults. */
  record Options(Map<String, String> values) {
    String string(String key, String def) {
      return values.getOrDefault(key, def);
    }

    int integer(String key, int def) {
      String v = values.get(key);
      return v == null ? def : Integer.parseInt(v);
    }
  }
}
