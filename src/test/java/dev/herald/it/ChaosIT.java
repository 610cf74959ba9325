package dev.herald.it;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short run of three scenarios of {@code scripts/chaos.sh} (a cut, two crashes at once, a drain;
 * the others, one crash among them (NodeDeathIT and ChannelFailoverIT kill a node in the suite), and
 * ten runs of each, are docs/reliability.md's, kept out of the suite's time): three fat-jar nodes in network
 * namespaces (loopback where namespaces are refused: then the partition cannot run and is skipped,
 * loudly), clients publishing and subscribing on every node, the fault, and the checker's verdict.
 */
class ChaosIT {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"partition", "double", "rolling"})
  @DisplayName("under the fault no acknowledged message is lost, duplicated or forked, and presence converges")
  void scenario(String scenario) throws Exception {
    Path log = Files.createTempFile("chaos-" + scenario, ".log");
    Process p = new ProcessBuilder("bash", "scripts/chaos.sh", scenario, "--short", "--report", "none")
        .directory(JarProcessIT.ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(6, TimeUnit.MINUTES), "chaos.sh " + scenario + " finished");
    String out = Files.readString(log);
    System.out.println(out);
    Assumptions.assumeFalse(p.exitValue() == 3, "SKIPPED LOUDLY: " + scenario + " needs network namespaces, refused on this machine:\n" + out);
    assertEquals(0, p.exitValue(), "chaos.sh " + scenario + ":\n" + out);
    JsonObject result = new JsonObject(Files.readString(JarProcessIT.ROOT.resolve("target/chaos/" + scenario + "/result.json")));
    assertTrue(result.getBoolean("ok"), result::encodePrettily);
    assertTrue(result.getInteger("acked") > 100, () -> "the load ran: " + result.encodePrettily());
    assertEquals(0, result.getInteger("lost"));
    assertEquals(0, result.getInteger("forked"));
    assertEquals(0, result.getInteger("duplicated"));
  }
}
