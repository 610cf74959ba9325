package dev.herald.it;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** A tiny run of each benchmark scenario, so the benchmark cannot rot. Asserts figures exist and nothing was lost; never timings. */
class BenchSmokeIT {

  private static final Path BENCH_JAR = JarProcessIT.ROOT.resolve("bench/target/herald-bench.jar");

  /** The load generator is its own project (bench/): built here when missing, as scripts/bench.sh does. */
  @org.junit.jupiter.api.BeforeAll
  static void buildBench() throws Exception {
    if (!Files.isRegularFile(BENCH_JAR)) {
      Process p = new ProcessBuilder("mvn", "-q", "-B", "-f", "bench/pom.xml", "-DskipTests", "package")
          .directory(JarProcessIT.ROOT.toFile()).inheritIO().start();
      assertEquals(0, p.waitFor(), "building bench/ failed");
    }
  }

  /** A scenario still running after this long has hung (each takes 10-70 s here): it and what it started are killed. */
  private static final long SCENARIO_TIMEOUT_S = 240;

  /** Runs the load generator's {@code SCENARIO ARGS} against the product jar; returns the figures it wrote. */
  private static JsonObject bench(String scenario, String... args) throws Exception {
    return bench(false, scenario, args);
  }

  /** {@link #bench}; with {@code namespaces}, a scenario refused for want of network namespaces (exit 3) skips the test, loudly. */
  private static JsonObject bench(boolean namespaces, String scenario, String... args) throws Exception {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("java",
        "-Dherald.jar=" + JarProcessIT.JAR.toAbsolutePath(), "-jar", BENCH_JAR.toString(), scenario));
    cmd.addAll(java.util.List.of(args));
    cmd.addAll(java.util.List.of("--report", "none"));
    Path log = Files.createTempFile("bench-" + scenario, ".log");
    Process p = new ProcessBuilder(cmd).directory(JarProcessIT.ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(SCENARIO_TIMEOUT_S, TimeUnit.SECONDS)) {
      // the nodes and comparison servers it started first: SIGKILL runs no shutdown hook of its
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      fail("bench " + scenario + " still running after " + SCENARIO_TIMEOUT_S + " s:\n" + Files.readString(log));
    }
    String out = Files.readString(log);
    Files.delete(log);
    org.junit.jupiter.api.Assumptions.assumeFalse(namespaces && p.exitValue() == 3,
        "SKIPPED LOUDLY: " + scenario + " needs network namespaces, refused on this machine:\n" + out);
    assertEquals(0, p.exitValue(), out);
    return new JsonObject(Files.readString(JarProcessIT.ROOT.resolve(Path.of("target/bench/" + scenario + ".json")))).getJsonObject("figures");
  }

  @Test
  @DisplayName("the fanout scenario runs Herald, Socket.IO and bare ws end to end, two rounds, and none loses or repeats a message")
  void fanout() throws Exception {
    JsonObject figures = bench("fanout", "--subscribers", "20", "--broadcasts", "3", "--warmup", "1", "--idle", "1", "--rounds", "2",
        "--storms", "2");
    // two rounds of two storms of connects: presence and membership exactly right at the end
    assertEquals(20, figures.getLong("herald: channel members at the end (of 20)"));
    assertEquals(20, figures.getLong("herald: users online at the end (of 20)"));
    for (String server : new String[] {"herald", "socket.io", "ws"}) {
      assertTrue(figures.getDouble(server + ": bytes per delivered message") > 0, server);
      assertTrue(figures.containsKey(server + ": connect storm, warm server (s)"), server);
      assertTrue(figures.containsKey(server + ": load generator CPU per connect + subscribe, warm server (µs)"), server);
      assertTrue(figures.containsKey(server + ": server CPU per close, warm, to the server settled (µs)"), server);
      assertEquals(2 * 60, figures.getLong(server + ": deliveries"), server);
      assertEquals(2 * 20, figures.getLong(server + ": warm-up deliveries"), server);
      assertEquals(0, figures.getLong(server + ": lost seqs"), server);
      assertEquals(0, figures.getLong(server + ": duplicated seqs"), server);
      assertEquals(0, figures.getLong(server + ": subscribers that received nothing"), server);
      assertTrue(figures.containsKey(server + ": server CPU per delivery above idle (µs)"), server);
    }
  }

  @Test
  @DisplayName("the failover scenario: a node's clients reconnect to the survivors after kill -9, twice (the node restarted between), presence and membership end exactly right, and Socket.IO takes the same storm")
  void failover() throws Exception {
    JsonObject figures = bench("failover", "--clients", "30", "--warmups", "1");
    for (String death : new String[] {"", "death 2: "}) {
      assertTrue(figures.containsKey(death + "kill to every client subscribed again (s)"), death);
      assertTrue(figures.containsKey(death + "of which JIT compiler threads (µs)"), death);
      assertEquals(30, figures.getLong(death + "channel members (of 30)"), death);
      assertEquals(30, figures.getLong(death + "users online (of 30)"), death);
      assertEquals(0, figures.getLong(death + "users with other than one connection"), death);
    }
    assertEquals(1, figures.getLong("warm-up storms"));
    assertTrue(figures.getDouble("socket.io: the same storm onto one process, warm, median (s)") > 0);
    assertTrue(figures.containsKey("kill to every client subscribed again, over Socket.IO's storm"));
  }

  @Test
  @DisplayName("the polling-vs-push scenario runs end to end and every published update reaches every client")
  void pollingVsPush() throws Exception {
    JsonObject figures = bench("polling-vs-push", "--clients", "3", "--seconds", "3", "--warmup", "1", "--baseline", "1");
    assertEquals(3 * figures.getLong("push: updates published"), figures.getLong("push: updates delivered"));
    assertEquals(3 * figures.getLong("polling every 1 s: updates published"), figures.getLong("polling every 1 s: updates delivered"));
    assertTrue(figures.containsKey("polling every 5 s: empty polls (%)"));
  }

  @Test
  @DisplayName("the capacity scenario opens its connections without errors and reports memory per connection")
  void capacity() throws Exception {
    JsonObject figures = bench("capacity", "--target", "50", "--rate", "100");
    assertEquals(50, figures.getLong("connections open"));
    assertEquals(0, figures.getLong("connect errors"));
    assertTrue(figures.containsKey("heap after GC per connection (KB)"));
    assertTrue(figures.containsKey("connect and register p99 (ms)"));
  }

  @Test
  @DisplayName("the cluster scenario runs end to end, produces its figures and loses no message or event")
  void cluster() throws Exception {
    JsonObject figures = bench("cluster", "--subscribers", "2", "--msgRate", "20", "--seconds", "1", "--warmup", "1",
        "--watchers", "5", "--changes", "20", "--victims", "5");
    assertEquals(40 * 2 * 3, figures.getLong("cross-node deliveries"));
    assertEquals(0, figures.getLong("cross-node lost seqs"));
    assertEquals(0, figures.getLong("cross-node duplicated seqs"));
    assertEquals(0, figures.getLong("cross-node subscribers that received nothing"));
    assertTrue(figures.containsKey("cross-node latency p99 (ms)"));
    assertEquals(5 * 20, figures.getLong("presence events measured"));
    assertTrue(figures.containsKey("propagation p99 (ms)"));
    assertEquals(0, figures.getLong("offline events missing"));
    assertEquals(0, figures.getLong("offline events duplicated"));
  }

  @Test
  @DisplayName("the abuse scenario probes a node under each attack, every probe answered, and the node closes the attackers (pings, one token's thousand WebSockets)")
  void abuse() throws Exception {
    // 6 s: a pinger the node closed is cut 5 s after its close frame (it reads nothing, so it never answers it)
    JsonObject figures = bench("abuse", "--seconds", "6", "--attacks", "none,pings,history,connections");
    for (String attack : new String[] {"none", "pings", "history", "connections"}) {
      assertTrue(figures.getLong(attack + ": probes") > 0, attack);
      assertEquals(0, figures.getLong(attack + ": probe failures"), attack);
      assertEquals(0, figures.getLong(attack + ": deliveries missing"), attack);
      assertEquals(figures.getLong(attack + ": probes"), figures.getLong(attack + ": deliveries"), attack);
      assertTrue(figures.containsKey(attack + ": delivery p99 (ms)"), attack);
    }
    assertTrue(figures.getLong("pings: attacking connections closed by the node") > 0);
    assertTrue(figures.getLong("history: history answers") > 0);
    assertTrue(figures.getLong("connections: of which closed by the node") >= 900, "the per-user bound (100) closes the rest");
    assertTrue(figures.containsKey("worst p99 under any attack (ms)"));
  }

  @Test
  @DisplayName("proxy: token and proxied connects and publishes all succeed; with the backend down connects are answered at once, and work again after it is back")
  void proxy() throws Exception {
    JsonObject figures = bench("proxy", "--connects", "200", "--publishes", "200", "--downSeconds", "2");
    for (String path : new String[] {"token connect", "proxied connect", "token publish", "proxied publish"}) {
      assertEquals(0, figures.getLong(path + ": failed"), path);
      assertTrue(figures.getDouble(path + ": p99 (ms)") > 0, path);
    }
    assertTrue(figures.getLong("backend down: connects answered a second") > 0);
    assertEquals(0, figures.getLong("backend down: connects accepted"), "nothing is let in while the backend is down");
    assertTrue(figures.containsKey("backend back: first connect after (ms)"), "the recovery is reported (the bench waits for it)");
  }

  @Test
  @DisplayName("the storm scenario: with a connect control that bites, a killed node's clients all come back on the survivors, "
      + "some of them told to wait (1013), none giving up, and the survivors' own clients lose nothing")
  void storm() throws Exception {
    JsonObject f = bench("storm", "--clients", "60", "--probes", "4", "--rate", "10", "--baseline", "1", "--warmups", "1",
        "--variants", "control", "--connectsPerSecond", "5");
    String v = "with the control: ";
    assertEquals(60, f.getInteger(v + "storm clients subscribed again"), f::encode);
    assertEquals(0, f.getInteger(v + "storm clients that gave up"), f::encode);
    assertEquals(0, f.getLong(v + "survivors' clients during the storm: lost"), f::encode);
    assertTrue(f.getLong(v + "survivors' clients during the storm: deliveries") > 0, f::encode);
    // 30 clients onto each survivor within half a second, past its 5 a second with bursts of 5 (its 4 own clients came
    // first, under the burst): most are told when to come back
    assertTrue(f.getInteger(v + "turned away (1013, retryAfterMs)") > 0, f::encode);
  }

  @Test
  @DisplayName("the scale scenario (root: network-namespace hosts): two hosts, every client subscribed and every broadcast delivered "
      + "once, on both hosts; the namespaces are gone afterwards")
  void scale() throws Exception {
    JsonObject f = bench(true, "scale", "--hosts", "2", "--clients", "20", "--broadcasts", "2", "--warmup", "1", "--idle", "1",
        "--interval", "200", "--waitSeconds", "20");
    assertEquals(40, f.getInteger("2 hosts: clients subscribed"), f::encode);
    assertEquals(80, f.getLong("2 hosts: deliveries"), f::encode);
    assertEquals(0, f.getLong("2 hosts: lost"), f::encode);
    assertEquals(0, f.getLong("2 hosts: duplicated"), f::encode);
    assertEquals(0, f.getLong("2 hosts: errors"), f::encode);
    Process ns = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
    String left = new String(ns.getInputStream().readAllBytes());
    ns.waitFor();
    assertTrue(left.lines().noneMatch(l -> l.matches("hs\\d+( .*)?")), "namespaces left behind: " + left);
  }
}
