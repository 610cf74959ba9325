package dev.herald.it;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.DisplayName;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The discovery files of {@code cluster/}, each used unchanged by three fat-jar nodes in network
 * namespaces ({@code scripts/discovery.sh}): multicast, and Kubernetes DNS lookup mode with the
 * headless Service's name resolved to the three hosts. Skipped, saying so, where namespaces are
 * refused (exit 3).
 */
class DiscoveryIT {

  @ParameterizedTest(name = "scripts/discovery.sh {0}")
  @ValueSource(strings = {"multicast", "dns"})
  @DisplayName("three nodes find each other with the discovery file alone: three members and three heartbeats on each")
  void discovers(String mode) throws Exception {
    Process p = new ProcessBuilder("bash", "scripts/discovery.sh", mode).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "discovery.sh " + mode + " finished");
    System.out.println(out);
    Assumptions.assumeFalse(p.exitValue() == 3, "network namespaces refused here: " + out);
    assertEquals(0, p.exitValue(), out);
    JsonObject summary = new JsonObject(out.substring(out.indexOf('{')));
    assertEquals(new JsonObject().put("members", 3).put("heartbeats", 3), summary.getJsonObject("seenByEach"));
  }
}
