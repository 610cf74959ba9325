package dev.herald.bench;

import dev.herald.token.TestTokens;
import io.vertx.core.json.JsonObject;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Herald nodes the benchmark starts as separate processes of the product jar ({@link #HERALD_JAR})
 * from {@code conf/cluster-node-N.json}, on HTTP {@code HERALD_HTTP_PORT_BASE}+N and Hazelcast
 * {@code HERALD_CLUSTER_PORT_BASE}+N (8080+N and 5700+N by default, as scripts/cluster.sh); it stops
 * exactly the processes it started.
 */
final class LocalCluster implements AutoCloseable {

  private final List<Process> nodes = new ArrayList<>();
  private final Path logDir;

  private final Thread reaper = new Thread(this::destroyAll, "bench-node-reaper");

  /** Merged into each node's shipped conf file (conf/cluster-node-N.json), when not empty. */
  private io.vertx.core.json.JsonObject extraConf = new io.vertx.core.json.JsonObject();

  /** Merged into one node's conf after {@link #extraConf}: node number to its own settings. */
  private final java.util.Map<Integer, io.vertx.core.json.JsonObject> nodeConf = new java.util.HashMap<>();

  LocalCluster(Path logDir) {
    this.logDir = logDir;
    // a benchmark stopped by Ctrl-C or SIGTERM still takes its nodes with it
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  private void destroyAll() {
    nodes.forEach(Process::destroyForcibly);
  }

  private static final int HTTP_BASE = base("HERALD_HTTP_PORT_BASE", 8080);
  private static final int CLUSTER_BASE = base("HERALD_CLUSTER_PORT_BASE", 5700);

  private static int base(String variable, int otherwise) {
    String v = System.getenv(variable);
    if (v == null || v.isBlank()) {
      return otherwise;
    }
    try {
      int base = Integer.parseInt(v.trim());
      if (base >= 1 && base <= 65500) {
        return base;
      }
    } catch (NumberFormatException notANumber) {
      // said below
    }
    throw new IllegalArgumentException(variable + " must be a number from 1 to 65500, not '" + v + "'");
  }

  static int httpPort(int node) {
    return HTTP_BASE + node;
  }

  /** The product jar the nodes run: {@code -Dherald.jar}, else {@code target/herald.jar} under the working directory. */
  static final String HERALD_JAR = System.getProperty("herald.jar", "target/herald.jar");

  /** The command prefix that pins a server to the nodes' cores (scripts/bench.sh: nodes on one core, the load generator on the other). */
  static List<String> pinning() {
    String cpu = System.getenv("HERALD_NODE_CPUS");
    return cpu == null || cpu.isBlank() ? List.of() : List.of("taskset", "-c", cpu);
  }

  /** The nodes run with {@code extra} merged into their conf (a proxy section, say); before {@link #start}. */
  LocalCluster withConf(io.vertx.core.json.JsonObject extra) {
    this.extraConf = extra.copy();
    return this;
  }

  /** Node {@code node} runs with {@code extra} merged into its conf too (after {@link #withConf}'s); before {@link #start}. */
  LocalCluster withConf(int node, io.vertx.core.json.JsonObject extra) {
    nodeConf.put(node, extra.copy());
    return this;
  }

  /** Starts nodes 1..n one after another, each ready before the next; returns the ms each took. */
  List<Long> start(int n) throws IOException, InterruptedException {
    Files.createDirectories(logDir);
    String jar = HERALD_JAR;
    if (!new File(jar).isFile()) {
      throw new IOException("no product jar at " + jar + ": build it (mvn -DskipTests package) or pass -Dherald.jar=PATH");
    }
    List<Long> readyMs = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      long t0 = System.nanoTime();
      Files.deleteIfExists(logDir.resolve("node-" + i + ".log")); // a restart appends to it
      nodes.add(launch(i, n, jar));
      readyMs.add((System.nanoTime() - t0) / 1_000_000);
    }
    return readyMs;
  }

  /** Starts node i again, as {@link #start} did (its earlier process is gone: {@link #kill}); returns once it is ready. */
  void restart(int i) throws IOException, InterruptedException {
    nodes.set(i - 1, launch(i, nodes.size(), HERALD_JAR));
  }

  /** Node i of a cluster of n, its output appended to its log; returns once it is ready. */
  private Process launch(int i, int n, String jar) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(pinning());
    cmd.addAll(javaCommand(i));
    String conf = "conf/cluster-node-" + i + ".json";
    io.vertx.core.json.JsonObject own = nodeConf.getOrDefault(i, new io.vertx.core.json.JsonObject());
    if (!extraConf.isEmpty() || !own.isEmpty()) {
      Path merged = logDir.resolve("node-" + i + ".json");
      Files.writeString(merged, new io.vertx.core.json.JsonObject(Files.readString(Path.of(conf))).mergeIn(extraConf, true).mergeIn(own, true)
          .encodePrettily());
      conf = merged.toString();
    }
    cmd.addAll(List.of("-jar", jar, "-conf", conf));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    // a majority of the nodes this cluster runs, not of the three the conf files list: one node
    // alone must take publishes
    pb.environment().put("HERALD_CLUSTER_QUORUM", String.valueOf(n >= 3 ? n / 2 + 1 : 1));
    pb.environment().put("HERALD_HTTP_PORT", String.valueOf(httpPort(i)));
    pb.environment().put("HERALD_CLUSTER_PORT", String.valueOf(CLUSTER_BASE + i));
    // the members this cluster runs, not the three the conf files list: a node looks for a listed
    // member that is not there every 5 s (a split-brain check), 5 ms/s of an idle lone node's CPU
    pb.environment().put("HERALD_CLUSTER_MEMBERS", java.util.stream.IntStream.rangeClosed(1, n)
        .mapToObj(m -> "127.0.0.1:" + (CLUSTER_BASE + m)).collect(java.util.stream.Collectors.joining(",")));
    Process p = pb.redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve("node-" + i + ".log").toFile())).start();
    awaitReady(p, httpPort(i));
    return p;
  }

  /**
   * The JVM a node runs and its options, before {@code -jar}: the JDK and argument files
   * scripts/java.sh picked (bench.sh sources it), as shipped otherwise; HERALD_NODE_JAVA_OPTS
   * comes after and wins ({@code {node}} in it becomes {@code node}).
   */
  static List<String> javaCommand(int node) {
    List<String> cmd = new ArrayList<>();
    cmd.add(System.getenv().getOrDefault("HERALD_JAVA", "java"));
    cmd.addAll(List.of(System.getenv().getOrDefault("HERALD_JVM_ARGS", "@conf/jvm.options").trim().split("\\s+")));
    String opts = System.getenv("HERALD_NODE_JAVA_OPTS"); // e.g. a profiler or GC settings for the nodes
    if (opts != null && !opts.isBlank()) {
      cmd.addAll(List.of(opts.trim().replace("{node}", String.valueOf(node)).split("\\s+")));
    }
    return cmd;
  }

  /** SIGKILL node i. */
  void kill(int i) {
    nodes.get(i - 1).destroyForcibly();
  }

  long pid(int i) {
    return nodes.get(i - 1).pid();
  }

  private static void awaitReady(Process p, int port) throws IOException, InterruptedException {
    awaitReady(p, "127.0.0.1", port);
  }

  /** Returns once the node {@code p} on {@code host:port} answers /ready with 200; fails when it exits or after 60 s. */
  static void awaitReady(Process p, String host, int port) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("node on " + host + ":" + port + " exited with " + p.exitValue());
      }
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/ready")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("node on " + host + ":" + port + " not ready in 60 s");
  }

  @Override
  public void close() throws InterruptedException {
    Runtime.getRuntime().removeShutdownHook(reaper);
    for (Process p : nodes) {
      p.destroy();
    }
    for (Process p : nodes) {
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  static String token(String user) throws Exception {
    return token(new JsonObject().put("sub", user));
  }

  /**
   * A token for these claims (with a {@code sub}), signed here with the local cluster's dev secret
   * (from conf/cluster-node-1.json), as a deployment's own token service signs them: asking node 1's
   * /dev/token had it compile its token-minting path just before the storm a scenario measures.
   */
  static String token(JsonObject claims) throws Exception {
    return TestTokens.hs256(devSecret(), TestTokens.claims(claims.getString("sub")).mergeIn(claims));
  }

  /** A service token for the HTTP API: /dev/token never mints roles. */
  static String serviceToken(String sub) throws Exception {
    return token(new JsonObject().put("sub", sub).put("roles", new io.vertx.core.json.JsonArray().add("service")));
  }

  private static String devSecret() throws Exception {
    return new JsonObject(Files.readString(Path.of("conf/cluster-node-1.json"))).getJsonObject("auth").getJsonObject("jwt").getString("secret");
  }

  /** Tokens for users {@code prefix0..prefix(n-1)} with these other claims ({@link #token}). */
  static List<String> tokens(String prefix, int n, JsonObject claims) throws Exception {
    String secret = devSecret();
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(TestTokens.hs256(secret, TestTokens.claims(prefix + i).mergeIn(claims)));
    }
    return out;
  }
}
