package dev.herald.it;

import dev.herald.node.Node;
import dev.herald.token.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.time.Duration;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code target/herald.jar} as its own process: started from a conf file, driven by the official
 * JavaScript client in Node.js, and refusing broken configuration with exit code 2.
 */
class JarProcessIT {

  static final Path JAR = Path.of(System.getProperty("herald.jar", "target/herald.jar"));
  static final Path ROOT = Path.of(System.getProperty("herald.root", "."));

  @TempDir
  static Path dir;

  private static Process herald;
  private static Node peer;
  private static int httpPort;
  private static Path confFile;
  private static final JsonObject SMALL_HISTORY = new JsonObject().put("broadcast", new JsonObject().put("historySize", 100));

  @BeforeAll
  static void start() throws Exception {
    assertTrue(Files.isRegularFile(JAR), "build the jar first (mvn verify does)");
    httpPort = TestNodes.freePort();
    int hz = TestNodes.freePort();
    int peerHz = TestNodes.freePort();
    List<Integer> members = List.of(hz, peerHz);
    JsonObject conf = new JsonObject()
        .put("node", new JsonObject().put("name", "jar-node"))
        .put("http", new JsonObject().put("port", httpPort).put("host", "127.0.0.1"))
        .put("cluster", new JsonObject().put("port", hz).put("members", new JsonArray(members.stream().map(p -> "127.0.0.1:" + p).toList())))
        .put("auth", new JsonObject().put("devTokens", true).put("devTokenTtlSeconds", 60)
            .put("jwt", new JsonObject().put("secret", TestTokens.SECRET)))
        .mergeIn(SMALL_HISTORY);
    confFile = dir.resolve("node.json");
    Files.writeString(confFile, conf.encodePrettily());
    startHerald();
    // a second member in this JVM, to publish into the cluster the jar joined
    peer = TestNodes.start(TestNodes.config(TestNodes.freePort(), peerHz, members, SMALL_HISTORY));
  }

  /**
   * The JDK and argument files the launchers pick (scripts/java.sh): the jar's tests run the node
   * as scripts/run.sh does, on Temurin 25 where there is one, while the tests themselves run on
   * the build's JDK. So the suite runs part of itself on each.
   */
  private static final List<String> NODE_JAVA = launcher();
  static final int NODE_JAVA_MAJOR = Integer.parseInt(NODE_JAVA.get(0));

  private static List<String> launcher() {
    try {
      Process p = new ProcessBuilder("bash", "-c", ". scripts/java.sh && echo \"$HERALD_JAVA_MAJOR\" && echo \"$HERALD_JAVA\" && echo \"$HERALD_JVM_ARGS\"")
          .directory(ROOT.toFile()).redirectErrorStream(true).start();
      List<String> out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
      if (p.waitFor() != 0 || out.size() != 3) {
        throw new IllegalStateException("scripts/java.sh: " + out);
      }
      List<String> cmd = new ArrayList<>(List.of(out.get(0), out.get(1)));
      for (String arg : out.get(2).trim().split("\\s+")) {
        cmd.add(arg.startsWith("@") ? "@" + ROOT.resolve(arg.substring(1)) : arg);
      }
      return List.copyOf(cmd);
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The node's command line as the launchers make it, then {@code args}. */
  static List<String> nodeCommand(String... args) {
    List<String> cmd = new ArrayList<>(NODE_JAVA.subList(1, NODE_JAVA.size()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static void startHerald() throws Exception {
    herald = new ProcessBuilder(nodeCommand("-jar", JAR.toString(), "-conf", confFile.toString()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("herald.log").toFile())).start();
    awaitReady(httpPort);
  }

  @AfterAll
  static void stop() throws Exception {
    if (peer != null) {
      peer.stop().await();
    }
    if (herald != null) {
      herald.destroy();
      assertTrue(herald.waitFor(30, TimeUnit.SECONDS), "the node leaves on SIGTERM");
      System.out.println(Files.readString(dir.resolve("herald.log")));
    }
  }

  static void awaitReady(int port) throws Exception {
    awaitReady(port, herald, dir.resolve("herald.log"));
  }

  /** Polls /ready: the process gives no other sign that it is up. */
  static void awaitReady(int port, Process process, Path log) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Eventually.eventually(Duration.ofSeconds(60), "/ready on port " + port + " answers 200", () -> {
      if (process != null && !process.isAlive()) {
        throw new AssertionError("herald exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      // an IOException (not listening yet) counts as not yet
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    });
  }

  @Test
  @DisplayName("herald-client.js backs off while the node is down, reconnects, recovers what it missed in order, and refreshes its token")
  void heraldClientRecovers() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("node", ROOT.resolve("src/test/js/herald-client-e2e.js").toString(), "http://127.0.0.1:" + httpPort)
        .redirectErrorStream(true);
    pb.environment().put("HERALD_TEST_SECRET", TestTokens.SECRET);
    Process js = pb.start();
    StringBuilder out = new StringBuilder();
    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(js.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        out.append(line).append('\n');
        if (line.startsWith("DROP ")) {
          // what two faults at once do to a channel: its log gone from every member
          TestNodes.hz(peer).getMap(dev.herald.channel.BroadcastVerticle.MAP).delete(line.substring(5));
          js.getOutputStream().write("DROPPED\n".getBytes(StandardCharsets.UTF_8));
          js.getOutputStream().flush();
        }
        if (line.equals("KILL")) {
          long killed = System.nanoTime();
          herald.destroyForcibly().waitFor();
          // while the node is down, another member takes the publishes; as any publisher does, one
          // answered unavailable (the dead member held its backup) is sent again with the same id
          for (int i = 0; i < 150; i++) {
            for (String ch : i < 50 ? List.of("rec.chan", "gap.chan") : List.of("gap.chan")) {
              JsonObject body = new JsonObject().put("channel", ch).put("data", i).put("id", ch + "-" + i);
              for (int attempt = 1; ; attempt++) {
                try {
                  dev.herald.bus.Requests.localFirst(peer.vertx().eventBus(), dev.herald.protocol.Addresses.CHANNEL_PUBLISH, body,
                      new io.vertx.core.eventbus.DeliveryOptions().addHeader(dev.herald.protocol.Headers.USER_ID, "java")).await();
                  break;
                } catch (io.vertx.core.eventbus.ReplyException e) {
                  if (e.failureCode() != dev.herald.protocol.ErrorCode.UNAVAILABLE.code || attempt == 20) {
                    throw e;
                  }
                }
              }
            }
          }
          startHerald();
          out.append("node back after ").append(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed)).append(" ms\n");
        }
      }
    }
    assertTrue(js.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, js.exitValue(), out.toString());
    assertTrue(out.toString().contains("PASS"), out.toString());
    System.out.println(out);
  }

  @Test
  @DisplayName("the official client connects over WebSocket and xhr-streaming, is refused where it should be, and receives")
  void officialClient() throws Exception {
    Path script = ROOT.resolve("src/test/js/client-e2e.js");
    assertTrue(Files.isDirectory(ROOT.resolve("src/test/js/node_modules")), "run scripts/test.sh (it runs npm ci in src/test/js)");
    Process js = new ProcessBuilder("node", script.toString(), "http://127.0.0.1:" + httpPort)
        .redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    Thread reader = new Thread(() -> {
      try {
        js.getInputStream().transferTo(new java.io.OutputStream() {
          @Override
          public void write(int b) {
            synchronized (out) {
              out.append((char) b);
            }
          }
        });
      } catch (IOException ignored) {
        // process ended
      }
    });
    reader.start();
    // channel messages from the other cluster member, as its broadcast service sends them, until
    // the script has what it waits for and exits
    AtomicLong seq = new AtomicLong();
    long timer = peer.vertx().setPeriodic(100, id -> {
      long s = seq.incrementAndGet();
      peer.vertx().eventBus().publish("rt.channel.e2e.news", new JsonObject().put("channel", "e2e.news").put("seq", s)
          .put("epoch", "e2e-epoch").put("ts", System.currentTimeMillis()).put("from", "java").put("data", s));
    });
    try {
      assertTrue(js.waitFor(60, TimeUnit.SECONDS), "the client script finished");
    } finally {
      peer.vertx().cancelTimer(timer);
    }
    reader.join(5000);
    String output;
    synchronized (out) {
      output = out.toString();
    }
    assertEquals(0, js.exitValue(), output);
    assertTrue(output.contains("PASS"), output);
  }

  @Test
  @DisplayName("a burst of connects and subscribes starts no thread per connect (Hazelcast completes on a pool, not on a new thread each time)")
  void connectsStartNoThreads() throws Exception {
    int clients = 60;
    double before = metric("jvm_threads_started_threads_total");
    Vertx vertx = Vertx.vertx();
    try {
      List<Future<WsClient>> connecting = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        connecting.add(WsClient.connect(vertx, httpPort, TestTokens.hs256(TestTokens.claims("burst-" + i)), null, false));
      }
      List<WsClient> connected = WsClient.get(Future.all(connecting)).list();
      connected.forEach(c -> c.register("rt.channel.burst"));
      connected.forEach(WsClient::sync);
      double started = metric("jvm_threads_started_threads_total") - before;
      // without a pool: one thread per presence and per membership call, one call per partition
      // touched (the peer holds backups), so at least one per client
      assertTrue(started < clients / 3.0, started + " threads started for " + clients + " connects");
    } finally {
      vertx.close().await();
    }
  }

  private static double metric(String name) throws Exception {
    return MetricsText.value(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body(), name);
  }

  @Test
  @DisplayName("JDK 25: --train runs its three storms and writes an AOT cache as it exits, with the launchers' options; a node "
      + "started on it with -XX:AOTMode=on (which exits when it cannot use the cache) comes up ready")
  void aotTraining() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(NODE_JAVA_MAJOR >= 25, "the node's JDK is " + NODE_JAVA_MAJOR + ": no AOT cache before 25");
    Path cache = dir.resolve("train.aot");
    List<String> options = nodeCommand().stream().filter(a -> !a.startsWith("-XX:AOTCache")).toList();
    List<String> train = new ArrayList<>(options);
    train.addAll(List.of("-XX:AOTCacheOutput=" + cache, "-jar", JAR.toString(), "--train", "200"));
    Process p = new ProcessBuilder(train).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the training ends by itself");
    assertEquals(0, p.exitValue(), out);
    for (int round = 1; round <= 3; round++) {
      assertTrue(out.contains("training round " + round + ": 200 connections, 1000 of 1000 deliveries"), out);
    }
    assertTrue(Files.size(cache) > 10_000_000, "a cache of the node's classes: " + Files.size(cache) + " bytes");
    int port = TestNodes.freePort();
    int hz = TestNodes.freePort();
    Path conf = dir.resolve("aot-node.json");
    Files.writeString(conf, TestNodes.configJson(port, hz, List.of(hz), new JsonObject()).encode());
    List<String> run = new ArrayList<>(options);
    run.addAll(List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on", "-jar", JAR.toString(), "-conf", conf.toString()));
    Path log = dir.resolve("aot-node.log");
    Process node = new ProcessBuilder(run).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      awaitReady(port, node, log);
      assertFalse(Files.readString(log).contains("[aot]"), Files.readString(log));
    } finally {
      node.destroy();
      assertTrue(node.waitFor(30, TimeUnit.SECONDS));
    }
  }

  @Test
  @DisplayName("the node logs one JSON object per line, naming the node")
  void jsonLogs() throws Exception {
    String line = Files.readAllLines(dir.resolve("herald.log")).stream().filter(l -> l.contains("ready:")).findFirst()
        .orElseThrow(() -> new AssertionError("no readiness line in the log"));
    JsonObject json = new JsonObject(line);
    assertEquals("INFO", json.getString("level"));
    assertEquals("dev.herald.node.Node", json.getString("loggerName"));
    // the arguments are in the message, not dropped ("node {} ready: {} on http {}:{}" before)
    assertTrue(json.getString("formattedMessage").startsWith("node jar-node ready: "), line);
    assertTrue(json.getString("formattedMessage").endsWith("on http 127.0.0.1:" + httpPort + ", Java " + NODE_JAVA_MAJOR), line);
    assertEquals("jar-node", json.getJsonObject("context").getJsonObject("properties").getString("node"), line);
  }

  private static Result runJar(Path conf, Map<String, String> env) throws Exception {
    List<String> cmd = nodeCommand("-jar", JAR.toString());
    if (conf != null) {
      cmd.addAll(List.of("-conf", conf.toString()));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "a broken config stops the node at once");
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private record Result(int exit, String output) {
  }

  /** Runs the jar on {@code conf}, written to {@code name} in the test's directory: it must stop with exit code 2; what it printed. */
  private static String refusedConf(String name, String conf) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, conf);
    Result r = runJar(file, Map.of());
    assertEquals(2, r.exit(), r.output());
    return r.output();
  }

  @Test
  @DisplayName("a port in use stops the node with exit code 2 and one line naming the port and the variable that moves it")
  void portInUse() throws Exception {
    int freeHttp = TestNodes.freePort();
    int freeCluster = TestNodes.freePort();
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      refusedInOneLine(port, freeCluster, "herald: http port " + port + " on 0.0.0.0 is in use: stop what holds it, or set HERALD_HTTP_PORT (http.port)");
      refusedInOneLine(freeHttp, port,
          "herald: cluster port " + port + " on 127.0.0.1 is in use (another Herald node?): set HERALD_CLUSTER_PORT (cluster.port)");
    }
  }

  /** The embedded node on these ports exits with 2, ending with {@code line}, without a stack trace. */
  private static void refusedInOneLine(int httpPort, int clusterPort, String line) throws Exception {
    Result r = runJar(null, Map.of("HERALD_HTTP_PORT", String.valueOf(httpPort), "HERALD_CLUSTER_PORT", String.valueOf(clusterPort),
        "HERALD_CLUSTER_MEMBERS", "127.0.0.1:" + clusterPort));
    assertEquals(2, r.exit(), r.output());
    assertEquals(line, lastLine(r.output()));
    assertFalse(r.output().contains("\tat "), "no stack trace: " + r.output());
  }

  /** The line the node ends with (a dev node warns about its dev mode first). */
  private static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  @Test
  @DisplayName("a broken conf file stops the node with exit code 2 and one line naming the key")
  void brokenConfig() throws Exception {
    assertEquals("herald: auth.jwt.secret must be at least 32 bytes", refusedConf("short.json", "{\"auth\":{\"jwt\":{\"secret\":\"too-short\"}}}").strip());

    String noKey = refusedConf("nokey.json", "{\"auth\":{\"devTokens\":false}}");
    assertTrue(noKey.contains("auth.jwt.secret (HS256) or auth.jwt.publicKey (RS256/ES256) is required"), noKey);

    String notJson = refusedConf("broken.json", "{\"http\": {");
    assertTrue(notJson.contains("is not valid JSON"), notJson);

    Result r4 = runJar(null, Map.of("HERALD_HTTP_PORT", "eighty"));
    assertEquals(2, r4.exit());
    assertTrue(r4.output().contains("HERALD_HTTP_PORT must be a port number"), r4.output());

    String webhookWithoutUrl = refusedConf("webhook.json", "{\"auth\":{\"devTokens\":true},\"roles\":{\"gateway\":1,\"webhook\":1}}");
    assertTrue(webhookWithoutUrl.contains("roles.webhook"), webhookWithoutUrl);

    // a discovery file that turns on a second discovery beside the shipped one
    Path twoDiscoveries = dir.resolve("two.xml");
    Files.writeString(twoDiscoveries, Files.readString(ROOT.resolve("cluster/multicast.xml")).replace("<tcp-ip enabled=\"false\"/>", "<tcp-ip enabled=\"true\"/>"));
    String usesIt = refusedConf("two.json", new JsonObject().put("auth", new JsonObject().put("jwt", new JsonObject().put("secret", TestTokens.SECRET)))
        .put("cluster", new JsonObject().put("configFile", twoDiscoveries.toString())).encode());
    assertEquals(1, usesIt.strip().lines().count(), usesIt);
    assertTrue(usesIt.startsWith("herald: cluster.configFile " + twoDiscoveries), usesIt);
  }
}
