package dev.herald.it;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo page in a real browser (Debian's Chromium through playwright-core) against a node process. */
class DemoBrowserIT {

  @TempDir
  static Path dir;
  private static Process herald;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    assertTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "Chromium is missing: scripts/test.sh installs it (apt-get install chromium)");
    port = TestNodes.freePort();
    int hz = TestNodes.freePort();
    JsonObject conf = new JsonObject()
        .put("http", new JsonObject().put("port", port).put("host", "127.0.0.1"))
        .put("cluster", new JsonObject().put("port", hz))
        .put("auth", new JsonObject().put("devTokens", true));
    Path confFile = dir.resolve("demo.json");
    Files.writeString(confFile, conf.encode());
    herald = new ProcessBuilder("java", "@" + JarProcessIT.ROOT.resolve("conf/jvm.options"), "-jar", JarProcessIT.JAR.toString(), "-conf", confFile.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("herald.log").toFile()).start();
    JarProcessIT.awaitReady(port, herald, dir.resolve("herald.log"));
  }

  @AfterAll
  static void stop() throws Exception {
    herald.destroy();
    herald.waitFor(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("two users in two pages: status, chat, history after reload, polling slower than push, no console errors")
  void demo() throws Exception {
    Path shot = JarProcessIT.ROOT.resolve("target/demo.png");
    Process js = new ProcessBuilder("node", JarProcessIT.ROOT.resolve("src/test/js/demo-browser.js").toString(),
        "http://127.0.0.1:" + port, shot.toString()).redirectErrorStream(true).start();
    String out = new String(js.getInputStream().readAllBytes());
    assertTrue(js.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, js.exitValue(), out);
    assertTrue(out.contains("PASS"), out);
    System.out.println(out);
  }
}
