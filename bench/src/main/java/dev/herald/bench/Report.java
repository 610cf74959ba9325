package dev.herald.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** A scenario's result as the markdown section appended to docs/benchmarks-log.md. */
final class Report {

  private Report() {
  }

  static String markdown(String scenario, String command, JsonObject r) {
    StringBuilder sb = new StringBuilder();
    sb.append("\n## ").append(scenario).append(", ")
        .append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(Instant.now())).append("\n\n");
    sb.append("`").append(command).append("` on ").append(r.getJsonObject("machine").getInteger("cores")).append(" cores, ")
        .append(r.getJsonObject("machine").getLong("memoryMiB")).append(" MiB; pinning: ").append(r.getJsonObject("machine").getString("pinning"))
        .append("; the load generator and the nodes share the machine.")
        .append(r.getJsonObject("machine").getString("nodeJavaOpts").isBlank() ? ""
            : " Nodes' JVM options (HERALD_NODE_JAVA_OPTS): `" + r.getJsonObject("machine").getString("nodeJavaOpts") + "`.")
        .append("\n\n");
    JsonObject figures = r.getJsonObject("figures");
    JsonArray servers = r.getJsonArray("servers");
    if (servers != null) { // figures named "server: figure", one column per server
      Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
      JsonObject rest = new JsonObject();
      for (String k : figures.fieldNames()) {
        int colon = k.indexOf(": ");
        if (colon > 0 && servers.contains(k.substring(0, colon))) {
          rows.computeIfAbsent(k.substring(colon + 2), x -> new LinkedHashMap<>()).put(k.substring(0, colon), figures.getValue(k));
        } else {
          rest.put(k, figures.getValue(k));
        }
      }
      sb.append("| figure |");
      servers.forEach(name -> sb.append(" ").append(name).append(" |"));
      sb.append("\n|---|").append("---|".repeat(servers.size())).append("\n");
      rows.forEach((figure, values) -> {
        sb.append("| ").append(figure).append(" |");
        servers.forEach(name -> sb.append(" ").append(values.getOrDefault((String) name, "")).append(" |"));
        sb.append("\n");
      });
      sb.append("\n");
      table(sb, rest);
    } else {
      table(sb, figures);
    }
    if (r.containsKey("note")) {
      sb.append("\n").append(r.getString("note")).append("\n");
    }
    sb.append("\nParameters: `").append(r.getJsonObject("parameters").encode()).append("`\n");
    return sb.toString();
  }

  private static void table(StringBuilder sb, JsonObject figures) {
    if (figures.isEmpty()) {
      return;
    }
    sb.append("| figure | value |\n|---|---|\n");
    for (String k : figures.fieldNames()) {
      sb.append("| ").append(k).append(" | ").append(figures.getValue(k)).append(" |\n");
    }
  }
}
