package dev.herald.it;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The 3-node cluster of fat-jar processes that {@code scripts/cluster.sh} runs (HTTP 8081-8083), for tests. */
final class ScriptCluster {

  private final Path runDir;

  ScriptCluster(Path runDir) {
    this.runDir = runDir;
  }

  /** Runs {@code scripts/cluster.sh ARGS} with this run folder and fails the test if it fails. */
  void run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", JarProcessIT.ROOT.resolve("scripts/cluster.sh").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(JarProcessIT.ROOT.toFile());
    pb.environment().put("HERALD_RUN_DIR", runDir.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "cluster.sh " + String.join(" ", args) + ":\n" + out);
  }

  /** Starts whatever of the 3 nodes is not running and waits until no partition is migrating. */
  void full() throws Exception {
    run("start", "3");
    HttpClient http = HttpClient.newHttpClient();
    Eventually.eventually(Duration.ofSeconds(60), "the cluster safe (no partition migrating)", () -> new JsonObject(
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8081/ready")).build(), HttpResponse.BodyHandlers.ofString()).body())
        .getBoolean("clusterSafe", false));
  }

  /** Stops the nodes and keeps their logs in target/NAME-logs, where a failed run can be read. */
  void stop(String name) throws Exception {
    run("stop");
    Path keep = JarProcessIT.ROOT.resolve("target/" + name + "-logs");
    Files.createDirectories(keep);
    for (int i = 1; i <= 3; i++) {
      Path log = runDir.resolve("node-" + i + ".log");
      if (Files.exists(log)) {
        Files.copy(log, keep.resolve("node-" + i + ".log"), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
