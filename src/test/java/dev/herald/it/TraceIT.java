package dev.herald.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.protocol.Addresses;
import dev.herald.token.Rights;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A trace id given to the HTTP API follows the work across two nodes: into the message and into the log lines of both. */
class TraceIT {

  @RegisterExtension
  static final TestNodes nodes = TestNodes.pair(new JsonObject());
  private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private static ch.qos.logback.classic.Logger herald;

  @BeforeAll
  static void start() {
    herald = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.herald");
    herald.setLevel(Level.DEBUG);
    logs.start();
    herald.addAppender(logs);
  }

  @AfterAll
  static void stop() {
    herald.detachAppender(logs);
    herald.setLevel(null);
  }

  private static List<String> linesWithTrace(String traceId) {
    List<String> out = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(logs.list)) {
      if (e.getKeyValuePairs() != null && e.getKeyValuePairs().stream().anyMatch(kv -> kv.key.equals("traceId") && traceId.equals(kv.value))
          && e.getKeyValuePairs().stream().anyMatch(kv -> kv.key.equals("spanId"))) {
        out.add(e.getLoggerName() + ": " + e.getFormattedMessage());
      }
    }
    return out;
  }

  @Test
  @DisplayName("X-Trace-Id on POST /api/v1/channels/x/messages reaches the delivered message and the log lines of both nodes")
  void traceAcrossNodes() throws Exception {
    try (WsClient sub = nodes.connect(nodes.b(), "tracer", Rights.read("*"))) {
      sub.subscribe(Addresses.channel("traced"));
      String service = Rights.service().token("svc");
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + nodes.port() + "/api/v1/channels/traced/messages"))
          .header("Authorization", "Bearer " + service).header("X-Trace-Id", "trace-across-1")
          .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"t\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(201, r.statusCode(), r.body());
      assertEquals("trace-across-1", sub.awaitOn(Addresses.channel("traced")).getJsonObject("body").getString("traceId"));
      List<String> lines = linesWithTrace("trace-across-1");
      // node a: the API call and the publish (its own broadcast service); node b: the delivery (its only subscriber)
      assertTrue(lines.stream().anyMatch(l -> l.contains("HttpApi") && l.contains("/api/v1/channels/traced/messages")), lines::toString);
      assertTrue(lines.stream().anyMatch(l -> l.contains("BroadcastVerticle") && l.contains("published traced seq 1")), lines::toString);
      // the gateway logs the delivery once it has written the frame: the client may have it first
      Eventually.eventually(java.time.Duration.ofSeconds(5), "the delivery's log line on node b", () -> linesWithTrace("trace-across-1").stream()
          .anyMatch(l -> l.contains("LocalFanout") && l.contains("delivered rt.channel.traced seq 1 to 1")));
    }
  }
}
