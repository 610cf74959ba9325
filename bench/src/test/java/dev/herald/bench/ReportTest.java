package dev.herald.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

  private static JsonObject result(JsonObject figures) {
    return new JsonObject().put("figures", figures).put("parameters", new JsonObject().put("n", 1))
        .put("machine", new JsonObject().put("cores", 2).put("memoryMiB", 1024L).put("pinning", "none").put("nodeJavaOpts", "-Xmn32m"));
  }

  @Test
  @DisplayName("figures named 'server: figure' become one row per figure and a column per server; the others a plain table")
  void columnsPerServer() {
    JsonObject r = result(new JsonObject().put("herald: p99 (ms)", 198).put("socket.io: p99 (ms)", 418)
        .put("herald: registrations", 14).put("herald / socket.io, p99 (ms)", 0.47))
        .put("servers", new JsonArray().add("herald").add("socket.io"));
    String md = Report.markdown("fanout", "scripts/bench.sh fanout", r);
    assertTrue(md.contains("| figure | herald | socket.io |\n|---|---|---|\n"), md);
    assertTrue(md.contains("| p99 (ms) | 198 | 418 |\n"), md);
    assertTrue(md.contains("| registrations | 14 |  |\n"), md);
    assertTrue(md.contains("| herald / socket.io, p99 (ms) | 0.47 |\n"), md);
    assertTrue(md.contains("Nodes' JVM options (HERALD_NODE_JAVA_OPTS): `-Xmn32m`"), md);
  }

  @Test
  @DisplayName("without servers every figure is a row of one table")
  void plainTable() {
    String md = Report.markdown("capacity", "scripts/bench.sh capacity", result(new JsonObject().put("connections open", 19965)));
    assertTrue(md.contains("| figure | value |\n|---|---|\n| connections open | 19965 |\n"), md);
  }
}
