package dev.herald.it;

import dev.herald.node.Node;
import dev.herald.protocol.Addresses;
import dev.herald.token.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.herald.token.TestTokens.hs256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node whose clock is an hour slow (the jar under Debian's libfaketime, its whole process: the
 * JVM, Hazelcast and Herald read the same wrong clock) beside a node with the right one, the
 * master. What is stored or ordered reads the cluster's time (docs/protocol.md, "Time"), so the
 * slow node stamps what the other stamps, and a user who comes back through it after their record
 * expired is not taken for an old event.
 */
class ClockSkewIT {

  static final long HOUR_MS = 3_600_000;

  @TempDir
  static Path dir;

  private static Node master;
  private static Process slow;
  private static int slowPort;
  private static Vertx client;

  /** Debian's libfaketime (scripts/test.sh installs the faketime package). */
  static Path libfaketime() throws Exception {
    try (Stream<Path> found = Files.find(Path.of("/usr/lib"), 4, (p, a) -> p.getFileName().toString().equals("libfaketime.so.1"))) {
      return found.findFirst().orElseThrow(() -> new AssertionError("libfaketime.so.1 missing: run scripts/test.sh (it installs Debian's faketime)"));
    }
  }

  @BeforeAll
  static void start() throws Exception {
    int masterHz = TestNodes.freePort();
    int slowHz = TestNodes.freePort();
    slowPort = TestNodes.freePort();
    List<Integer> members = List.of(masterHz, slowHz);
    // a user's offline record is forgotten after a second: the next connect creates it again
    JsonObject shared = new JsonObject().put("presence", new JsonObject().put("offlineRecordSeconds", 1))
        .put("log", new JsonObject().put("format", "text"));
    master = TestNodes.start(TestNodes.config(TestNodes.freePort(), masterHz, members, shared));
    Path conf = dir.resolve("slow.json");
    Files.writeString(conf, TestNodes.configJson(slowPort, slowHz, members, shared).encodePrettily());
    ProcessBuilder pb = new ProcessBuilder("java", "@" + JarProcessIT.ROOT.resolve("conf/jvm.options"), "-jar", JarProcessIT.JAR.toString(),
        "-conf", conf.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("slow.log").toFile());
    pb.environment().put("LD_PRELOAD", libfaketime().toString());
    pb.environment().put("FAKETIME", "-1h");
    // only the wall clock moves; without these the JVM runs several times slower under the library
    pb.environment().put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
    pb.environment().put("FAKETIME_FORCE_MONOTONIC_FIX", "0");
    pb.environment().put("FAKETIME_DISABLE_SHM", "1");
    pb.environment().put("NO_FAKE_STAT", "1");
    slow = pb.start();
    JarProcessIT.awaitReady(slowPort, slow, dir.resolve("slow.log"));
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close().await();
    }
    if (slow != null) {
      slow.destroy();
      assertTrue(slow.waitFor(30, TimeUnit.SECONDS));
    }
    if (master != null) {
      master.stop().await();
    }
  }

  /** A token both clocks accept: no {@code iat} (the slow node would read it as an hour ahead), two hours to run. */
  private static String token(String user) {
    return hs256(new JsonObject().put("sub", user).put("exp", TestTokens.now() + 2 * 3600)
        .put("channels", new JsonArray().add("*")).put("publish", new JsonArray().add("*")));
  }

  private static void assertNearNow(long ms, String what) {
    long off = ms - System.currentTimeMillis();
    assertTrue(Math.abs(off) < 60_000, () -> what + " is " + off / 1000 + " s from the right time (the slow node's own clock is " + HOUR_MS / 1000 + " s behind)");
  }

  @Test
  @DisplayName("the slow node's clock is really an hour behind, and what it stores is stamped with the cluster's time")
  void stampsTheClustersTime() throws Exception {
    try (WsClient onSlow = WsClient.connect(client, slowPort, token("slowpoke"))) {
      JsonObject set = onSlow.request(Addresses.PRESENCE_SET, new JsonObject().put("status", "busy"));
      assertEquals("rec", set.getString("type"), set::encode);
      assertNearNow(set.getJsonObject("body").getLong("since"), "a status's since");
      onSlow.subscribe(Addresses.channel("skew.news"));
      JsonObject ack = onSlow.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "skew.news").put("data", 1));
      assertEquals("rec", ack.getString("type"), ack::encode);
      JsonObject delivered = onSlow.awaitOn(Addresses.channel("skew.news")).getJsonObject("body");
      assertNearNow(delivered.getLong("ts"), "a message's ts");
      JsonObject history = onSlow.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "skew.news").put("since", 0));
      assertEquals(1, history.getJsonObject("body").getJsonArray("messages").size(), "an hour's difference wipes no history: " + history.encode());
    }
    String log = Files.readString(dir.resolve("slow.log"));
    // the premise: the node's own clock is off (a text log line starts with its wall clock's HH:mm:ss)
    java.time.LocalTime logged = java.time.LocalTime.parse(log.lines().filter(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"))
        .reduce((x, y) -> y).orElseThrow(() -> new AssertionError("no log line: " + log)).substring(0, 12));
    long behindMinutes = Math.floorMod(java.time.Duration.between(logged, java.time.LocalTime.now()).toMinutes(), 24 * 60);
    assertTrue(behindMinutes >= 55 && behindMinutes <= 65, () -> "the slow node's log is " + behindMinutes + " min behind:\n" + log);
  }

  @Test
  @DisplayName("a user who comes back through the slow node after their record expired reaches a watcher on the other node")
  void rejoinThroughTheSlowNode() throws Exception {
    int masterPort = master.config().http().port();
    try (WsClient watcher = WsClient.connect(client, masterPort, token("watcher"))) {
      watcher.subscribe(Addresses.presenceUser("zoe"));
      try (WsClient zoe = WsClient.connect(client, masterPort, token("zoe"))) {
        assertEquals("online", watcher.awaitOn(Addresses.presenceUser("zoe")).getJsonObject("body").getString("status"));
      }
      JsonObject offline = watcher.awaitOn(Addresses.presenceUser("zoe")).getJsonObject("body");
      assertEquals("offline", offline.getString("status"));
      // the record is forgotten a second later; ask until it is gone (version 0: no record)
      Eventually.eventually(java.time.Duration.ofSeconds(20), "zoe's offline record expired", () ->
          watcher.request(Addresses.PRESENCE_GET, new JsonObject().put("users", new JsonArray().add("zoe")))
              .getJsonObject("body").getJsonObject("users").getJsonObject("zoe").getLong("version", 0L) == 0);
      try (WsClient zoe = WsClient.connect(client, slowPort, token("zoe"))) {
        JsonObject back = watcher.awaitOn(Addresses.presenceUser("zoe")).getJsonObject("body");
        assertEquals("online", back.getString("status"), back::encode);
        assertTrue(back.getLong("version") > offline.getLong("version"),
            () -> "the new record's version " + back.getLong("version") + " follows the last one seen, " + offline.getLong("version"));
      }
    }
  }
}
