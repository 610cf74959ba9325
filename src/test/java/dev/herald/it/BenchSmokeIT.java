package dev.herald.it;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny run of each benchmark scenario, so the benchmark cannot rot. Asserts figures exist and nothing was lost; never timings. */
class BenchSmokeIT {

  @Test
  @DisplayName("the presence scenario runs end to end, produces its figures and loses no event")
  void presence() throws Exception {
    Process p = new ProcessBuilder("java", "-jar", JarProcessIT.JAR.toAbsolutePath().toString(), "bench", "presence",
        "--watchers", "5", "--changes", "20", "--victims", "5", "--report", "none")
        .directory(JarProcessIT.ROOT.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    JsonObject figures = new JsonObject(Files.readString(JarProcessIT.ROOT.resolve(Path.of("target/bench/presence.json")))).getJsonObject("figures");
    assertEquals(5 * 20, figures.getLong("presence events measured"));
    assertTrue(figures.containsKey("propagation p99 (ms)"));
    assertEquals(0, figures.getLong("offline events missing"));
    assertEquals(0, figures.getLong("offline events duplicated"));
  }
}
