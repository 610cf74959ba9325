package dev.herald.it;

import dev.herald.token.Rights;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /herald-client.js against a node that takes 5 connects a second (bridge.connectsPerSecond), from
 * Node.js (src/test/js/busy-client.js): a client the node turns away waits for the slot it was told.
 * A node of its own: AdmissionIT's storm must find the node's burst whole.
 */
class AdmissionClientIT {

  @RegisterExtension
  static final TestNodes nodes = TestNodes.single(new JsonObject().put("bridge", new JsonObject().put("connectsPerSecond", 5)));

  @Test
  @DisplayName("herald-client.js, 12 clients at once: each turned away waits at least its slot before trying again, counts it as no "
      + "failed attempt, and all end up open")
  void heraldClientHonoursTheSlot() throws Exception {
    Path root = JarProcessIT.ROOT;
    assertTrue(Files.isDirectory(root.resolve("src/test/js/node_modules/@vertx")), "run scripts/test.sh (it runs npm ci in src/test/js)");
    Process js = new ProcessBuilder("node", root.resolve("src/test/js/busy-client.js").toString(), "http://127.0.0.1:" + nodes.port(),
        Rights.none().token("busy-js")).redirectErrorStream(true).start();
    assertTrue(js.waitFor(30, TimeUnit.SECONDS), "the script finished");
    String out = new String(js.getInputStream().readAllBytes());
    assertEquals(0, js.exitValue(), out);
    assertTrue(out.contains("PASS"), out);
  }
}
