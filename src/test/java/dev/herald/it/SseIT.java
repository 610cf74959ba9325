package dev.herald.it;

import dev.herald.node.Node;
import dev.herald.protocol.Addresses;
import dev.herald.token.Rights;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server-Sent Events (receive-only, no SDK) read as a plain HTTP stream, across two nodes. */
class SseIT {

  @RegisterExtension
  static final TestNodes nodes = TestNodes.pair(conf().put("http", new JsonObject().put("allowedOrigins", new JsonArray().add("https://app.example"))),
      conf()); // node a names the sites that may open it, node b takes any ("*")

  private static JsonObject conf() {
    return new JsonObject()
        .put("bridge", new JsonObject().put("sseMaxChannels", 3).put("publishPerSecond", 10_000))
        .put("namespaces", new JsonObject().put("score", new JsonObject().put("recovery", "cache")));
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** One event of the stream. */
  record Event(String id, String name, String data) {
    JsonObject json() {
      return new JsonObject(data);
    }
  }

  /** An event stream read on its own thread. */
  static final class Stream implements AutoCloseable {
    final int status;
    final String contentType;
    final String body;
    private final InputStream in;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    Stream(HttpResponse<InputStream> r) throws Exception {
      status = r.statusCode();
      contentType = r.headers().firstValue("content-type").orElse("");
      in = r.body();
      if (status != 200) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return;
      }
      body = null;
      Thread reader = new Thread(() -> {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          String id = null;
          String name = null;
          StringBuilder data = new StringBuilder();
          String line;
          while ((line = lines.readLine()) != null) {
            if (line.isEmpty()) {
              if (name != null) {
                events.add(new Event(id, name, data.toString()));
              }
              id = null;
              name = null;
              data.setLength(0);
            } else if (line.startsWith("id: ")) {
              id = line.substring(4);
            } else if (line.startsWith("event: ")) {
              name = line.substring(7);
            } else if (line.startsWith("data: ")) {
              data.append(line.substring(6));
            }
          }
          events.add(new Event(null, "end-of-stream", "{}"));
        } catch (Exception e) {
          events.add(new Event(null, "end-of-stream", "{}"));
        }
      }, "sse-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** The next event named {@code name}, skipping others (keep-alives are comments, never events); fails after 15 s. */
    Event next(String name) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (true) {
        Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (e == null) {
          throw new AssertionError("no '" + name + "' event within 15 s");
        }
        if (e.name().equals(name)) {
          return e;
        }
        if (e.name().equals("end-of-stream") || e.name().equals("close")) {
          throw new AssertionError("the stream ended waiting for '" + name + "': " + e);
        }
      }
    }

    @Override
    public void close() throws Exception {
      in.close();
    }
  }

  @Test
  @DisplayName("one stream, no SDK: ready once subscribed, then a channel's messages (id = its position), a watched user's presence, "
      + "the user's direct messages, all from clients of the other node")
  void receives() throws Exception {
    String token = Rights.read("sse.news").watch("ann").token("reader");
    try (WsClient pub = nodes.connect(nodes.a(), "writer", Rights.all()); WsClient ann = nodes.connect(nodes.a(), "ann", Rights.all());
         Stream s = open(nodes.b(), "token=" + token + "&channel=sse.news&presence=ann&inbox=true", null)) {
      assertEquals(200, s.status, s.body);
      assertTrue(s.contentType.startsWith("text/event-stream"), s.contentType);
      JsonObject ready = s.next("ready").json();
      assertEquals("reader", ready.getString("user"));
      publish(pub, "sse.news", new JsonObject().put("n", 1));
      publish(pub, "sse.news", new JsonObject().put("n", 2));
      Event first = s.next("message");
      JsonObject m1 = first.json();
      assertEquals("sse.news", m1.getString("channel"));
      assertEquals(1, m1.getLong("seq"));
      assertEquals("writer", m1.getString("from"));
      String epoch = m1.getString("epoch");
      assertEquals("sse.news/" + epoch.substring(0, 8) + "/1", first.id());
      Event second = s.next("message");
      assertEquals(new JsonObject().put("channel", "sse.news").put("seq", 2).put("epoch", epoch).put("data", new JsonObject().put("n", 2))
          .put("from", "writer"), second.json(), "the short form on the bus, whole on the stream");
      assertEquals("sse.news/" + epoch.substring(0, 8) + "/2", second.id());
      ann.request(Addresses.PRESENCE_SET, new JsonObject().put("status", "busy"));
      JsonObject p = s.next("presence").json();
      assertEquals("ann", p.getString("userId"));
      assertEquals("busy", p.getString("status"));
      assertEquals(202, nodes.http().service("POST", "/api/v1/users/reader/messages", "{\"data\":{\"hi\":\"there\"}}").statusCode());
      JsonObject dm = s.next("inbox").json();
      assertEquals("message", dm.getString("type"), dm::encode);
      assertEquals(new JsonObject().put("hi", "there"), dm.getJsonObject("data"));
    }
  }

  @Test
  @DisplayName("a browser's reconnect with Last-Event-ID gets what it missed from history, each once, in order, then recovered: true, then the live stream")
  void resumes() throws Exception {
    String token = Rights.read("sse.resume").token("resumer");
    String lastId;
    try (WsClient pub = nodes.connect(nodes.a(), "writer2", Rights.all())) {
      try (Stream s = open(nodes.b(), "token=" + token + "&channel=sse.resume", null)) {
        s.next("ready");
        publish(pub, "sse.resume", 1);
        lastId = s.next("message").id();
      }
      for (int i = 2; i <= 4; i++) {
        publish(pub, "sse.resume", i);
      }
      try (Stream s = open(nodes.a(), "token=" + token + "&channel=sse.resume", lastId)) {
        assertEquals(200, s.status, s.body);
        for (int i = 2; i <= 4; i++) {
          JsonObject m = s.next("message").json();
          assertEquals(i, m.getLong("seq"));
          assertEquals(i, m.getInteger("data"));
          assertEquals(Boolean.TRUE, m.getBoolean("replayed"));
        }
        JsonObject r = s.next("recovered").json();
        assertEquals(Boolean.TRUE, r.getBoolean("recovered"), r::encode);
        assertEquals(3, r.getInteger("replayed"));
        assertEquals("reconnect", r.getString("reason"));
        // the live stream goes on: 5, then 6, each once, in order (the stream was ready once the
        // channel's owner reached this node's registration, docs/protocol.md "Bridge frames")
        publish(pub, "sse.resume", 5);
        publish(pub, "sse.resume", 6);
        for (int i = 5; i <= 6; i++) {
          Event live = s.next("message");
          assertEquals(i, live.json().getLong("seq"), live.data());
          assertTrue(live.id().endsWith("/" + i), live.id());
        }
      }
      // a position past what history keeps is not recovered, and says so
      try (Stream s = open(nodes.a(), "token=" + token + "&channel=sse.resume", "sse.resume/00000000/2")) {
        JsonObject r = s.next("recovered").json();
        assertEquals(Boolean.FALSE, r.getBoolean("recovered"), "another epoch's position: " + r.encode());
      }
    }
  }

  @Test
  @DisplayName("a cache namespace on a stream: the latest message at once")
  void cache() throws Exception {
    try (WsClient pub = nodes.connect(nodes.a(), "writer3", Rights.all())) {
      publish(pub, "score:sse", 1);
      publish(pub, "score:sse", 2);
      try (Stream s = open(nodes.b(), "token=" + Rights.read("score:*").token("fan") + "&channel=score:sse", null)) {
        assertEquals(2, s.next("message").json().getLong("seq"));
      }
    }
  }

  @Test
  @DisplayName("the herald_token cookie opens a stream where http.allowedOrigins names the sites; where it is \"*\" (any site's page "
      + "could open a stream with the visitor's cookie) it is refused 401 with the reason, and ?token= still works there")
  void cookie() throws Exception {
    String token = Rights.read("sse.cookie").token("cookie-reader");
    try (Stream s = open(nodes.a(), "channel=sse.cookie", null, "herald_token=" + token)) {
      assertEquals(200, s.status, s.body);
      assertEquals("cookie-reader", s.next("ready").json().getString("user"));
    }
    try (Stream s = open(nodes.b(), "channel=sse.cookie", null, "herald_token=" + token)) {
      assertEquals(401, s.status, s.body);
      assertTrue(s.body.contains("http.allowedOrigins"), s.body);
    }
    try (Stream s = open(nodes.b(), "token=" + token + "&channel=sse.cookie", null, null)) {
      assertEquals(200, s.status, s.body);
    }
  }

  @Test
  @DisplayName("hostile or wrong streams: no token 401, a bad channel, too many channels, a forged Last-Event-ID 400 with a reason; "
      + "a channel the token does not allow is an error event on the stream, the others still delivered")
  void refusals() throws Exception {
    String token = Rights.read("sse.ok").token("probe");
    try (Stream s = open(nodes.a(), "channel=sse.ok", null)) {
      assertEquals(401, s.status, s.body);
    }
    try (Stream s = open(nodes.a(), "token=" + token + "&channel=" + q("bad channel!"), null)) {
      assertEquals(400, s.status);
      assertTrue(s.body.contains("is not a channel name"), s.body);
    }
    try (Stream s = open(nodes.a(), "token=" + token + "&channel=a&channel=b&channel=c&channel=d", null)) {
      assertEquals(400, s.status);
      assertTrue(s.body.contains("at most 3 channels"), s.body);
    }
    try (Stream s = open(nodes.a(), "token=" + token + "&channel=sse.ok", "sse.ok/xx/../../etc")) {
      assertEquals(400, s.status);
      assertTrue(s.body.contains("Last-Event-ID"), s.body);
    }
    try (WsClient pub = nodes.connect(nodes.a(), "writer4", Rights.all());
         Stream s = open(nodes.b(), "token=" + token + "&channel=sse.secret&channel=sse.ok", null)) {
      JsonObject err = s.next("error").json();
      assertEquals(Addresses.channel("sse.secret"), err.getString("address"), err::encode);
      assertEquals(4030, err.getInteger("code"));
      s.next("ready");
      publish(pub, "sse.secret", "hidden");
      publish(pub, "sse.ok", "shown");
      JsonObject m = s.next("message").json();
      assertEquals("sse.ok", m.getString("channel"), "the refused channel sends nothing: " + m.encode());
    }
  }

  @Test
  @DisplayName("Chromium, no Herald script on the page: a plain EventSource gets messages live, and after a disconnect its own reconnect "
      + "(Last-Event-ID) gets the three it missed from history, then the live stream, each seq once, in order")
  void browser() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("node", JarProcessIT.ROOT.resolve("src/test/js/sse-browser.js").toString(),
        "http://127.0.0.1:" + TestNodes.port(nodes.b())).redirectErrorStream(true);
    pb.environment().put("HERALD_TOKEN", Rights.read("sse.browser").token("sse-reader"));
    pb.environment().put("HERALD_SERVICE", Rights.service().token("sse-ops"));
    java.nio.file.Path log = java.nio.file.Files.createTempFile("sse-browser", ".log");
    Process js = pb.redirectOutput(log.toFile()).start();
    boolean done = js.waitFor(90, TimeUnit.SECONDS);
    if (!done) {
      js.destroyForcibly();
    }
    String out = java.nio.file.Files.readString(log);
    assertTrue(done, "sse-browser.js finished: " + out);
    assertEquals(0, js.exitValue(), out);
    assertTrue(out.contains("PASS sse 6 messages, replayed 3"), out);
  }

  static Stream open(Node node, String query, String lastEventId) throws Exception {
    return open(node, query, lastEventId, null);
  }

  static Stream open(Node node, String query, String lastEventId, String cookie) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + TestNodes.port(node) + "/eventbus/sse?" + query))
        .timeout(Duration.ofSeconds(30)).header("Accept", "text/event-stream");
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    return new Stream(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void publish(WsClient pub, String channel, Object data) {
    JsonObject r = pub.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", channel).put("data", data));
    assertEquals("rec", r.getString("type"), r::encode);
  }
}
