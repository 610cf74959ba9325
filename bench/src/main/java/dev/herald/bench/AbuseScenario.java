package dev.herald.bench;

import dev.herald.client.BridgeClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether a node under attack keeps answering everyone else. One node; a well-behaved probe asks
 * {@code /health}, publishes through the HTTP API and receives each publish on a subscribed
 * WebSocket, every 20 ms, first with no attack, then while each attack of docs/security.md runs
 * for {@code seconds}: pings never read, a message in 1-byte fragments, pipelined requests never
 * read, idle connections behind an {@code Upgrade} header, history requests at the frame rate,
 * one token opening a thousand WebSockets. Per attack: the probe's p50/p99/max of each, and what
 * the node did to the attacker (connections it closed, what it answered). The bar: p99 under
 * 100 ms for all three under every attack.
 */
final class AbuseScenario {

  private static final String CHANNEL = "abuse.probe";
  private static final List<String> ALL = List.of("none", "pings", "fragments", "pipelining", "upgrade-idle", "history", "connections");

  private AbuseScenario() {
  }

  static JsonObject run(Bench.Options o) throws Exception {
    int seconds = o.integer("seconds", 10);
    List<String> attacks = List.of(o.string("attacks", String.join(",", ALL)).split(","));
    for (String a : attacks) {
      if (!ALL.contains(a)) {
        throw new IllegalArgumentException("--attacks: unknown attack " + a + " (known: " + ALL + ")");
      }
    }
    JsonObject params = new JsonObject().put("seconds", seconds).put("attacks", new JsonArray(attacks)).put("probeEveryMs", 20);
    Vertx vertx = Vertx.vertx();
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
    JsonObject figures = new JsonObject();
    try (LocalCluster cluster = new LocalCluster(Path.of("target/bench/abuse-logs"))) {
      Bench.progress("starting 1 node");
      cluster.start(1);
      int port = LocalCluster.httpPort(1);
      String service = LocalCluster.serviceToken("abuse-probe");
      // what the history attack reads: 64 KB of messages
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int i = 0; i < 8; i++) {
        publish(http, port, service, "abuse.history", new JsonObject().put("pad", "h".repeat(8_000)));
      }
      Recorder delivery = new Recorder(3);
      BridgeClient subscriber = BridgeClient.connect(vertx, ws, port, LocalCluster.token(new JsonObject().put("sub", "abuse-subscriber")
          .put("channels", new JsonArray().add("abuse.*")))).await();
      subscriber.subscribe(Wire.channel(CHANNEL), f -> {
        JsonObject data = f.getJsonObject("body").getJsonObject("data");
        if (data != null && data.containsKey("t")) {
          delivery.recordValue(Math.max(0, System.nanoTime() / 1000 - data.getLong("t")));
        }
      }).await();
      for (String attack : attacks) {
        Bench.progress("attack " + attack + " for " + seconds + " s, probing every 20 ms");
        delivery.reset();
        Attack running = start(attack, port, seconds, vertx, ws);
        JsonObject probe = probe(http, port, service, seconds, delivery);
        JsonObject outcome = running.stop();
        probe.forEach(e -> figures.put(attack + ": " + e.getKey(), e.getValue()));
        outcome.forEach(e -> figures.put(attack + ": " + e.getKey(), e.getValue()));
      }
      long missing = attacks.stream().mapToLong(a -> figures.getLong(a + ": deliveries missing") + figures.getLong(a + ": probe failures")).sum();
      double worst = attacks.stream().flatMap(a -> List.of("/health", "publish", "delivery").stream().map(p -> figures.getDouble(a + ": " + p + " p99 (ms)")))
          .mapToDouble(Double::doubleValue).max().orElse(0);
      figures.put("worst p99 under any attack (ms)", worst).put("bar: worst p99 under 100 ms, nothing missing", worst < 100 && missing == 0);
      subscriber.close().await();
      return new JsonObject().put("scenario", "abuse").put("parameters", params).put("figures", figures);
    } finally {
      vertx.close().await();
    }
  }

  /** The well-behaved client: every 20 ms one /health and one publish, timed; deliveries timed by the subscriber. */
  private static JsonObject probe(HttpClient http, int port, String service, int seconds, Recorder delivery) throws Exception {
    Histogram health = new Histogram(3);
    Histogram publish = new Histogram(3);
    long failures = 0;
    long published = 0;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    HttpRequest healthReq = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(java.time.Duration.ofSeconds(5)).build();
    while (System.nanoTime() < end) {
      long t0 = System.nanoTime();
      try {
        if (http.send(healthReq, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
          failures++;
        }
        health.recordValue((System.nanoTime() - t0) / 1000);
        long t1 = System.nanoTime();
        if (publish(http, port, service, CHANNEL, new JsonObject().put("t", t1 / 1000)) == 201) {
          published++;
        } else {
          failures++;
        }
        publish.recordValue((System.nanoTime() - t1) / 1000);
      } catch (IOException e) {
        failures++;
      }
      long left = 20_000_000 - (System.nanoTime() - t0);
      if (left > 0) {
        TimeUnit.NANOSECONDS.sleep(left);
      }
    }
    Thread.sleep(200); // the last publish's delivery
    Histogram d = delivery.getIntervalHistogram();
    JsonObject f = new JsonObject();
    for (var e : new Object[][] {{"/health", health}, {"publish", publish}, {"delivery", d}}) {
      Histogram h = (Histogram) e[1];
      f.put(e[0] + " p50 (ms)", Bench.ms(h.getValueAtPercentile(50))).put(e[0] + " p99 (ms)", Bench.ms(h.getValueAtPercentile(99)))
          .put(e[0] + " max (ms)", Bench.ms(h.getMaxValue()));
    }
    // every publish answered 201 must have reached the subscriber: a delivery the subscriber did
    // not recognise (no "t") would otherwise leave the delivery figures empty, and the bar met
    return f.put("probes", health.getTotalCount()).put("deliveries", d.getTotalCount())
        .put("deliveries missing", Math.max(0, published - d.getTotalCount())).put("probe failures", failures);
  }

  private static int publish(HttpClient http, int port, String service, String channel, JsonObject data) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/channels/" + channel + "/messages"))
        .timeout(java.time.Duration.ofSeconds(5)).header("Authorization", "Bearer " + service).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("data", data).encode())).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** A running attack: {@link #stop} ends it and says what the node did to it. */
  private interface Attack {
    JsonObject stop() throws Exception;
  }

  private static Attack start(String attack, int port, int seconds, Vertx vertx, WebSocketClient ws) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    return switch (attack) {
      case "none" -> JsonObject::new;
      case "pings" -> socketLoops(4, end, "ping-", s -> {
        upgrade(s, port, LocalCluster.token("abuse-pinger-" + ThreadLocalRandom.current().nextInt(1_000_000)));
        byte[] ping = frame(0x9, true, new byte[125]);
        while (System.nanoTime() < end) {
          s.getOutputStream().write(ping); // never reads its pongs
        }
      });
      case "fragments" -> socketLoops(4, end, "fragment-", s -> {
        upgrade(s, port, LocalCluster.token("abuse-fragmenter-" + ThreadLocalRandom.current().nextInt(1_000_000)));
        s.getOutputStream().write(frame(0x1, false, "{".getBytes(StandardCharsets.UTF_8)));
        byte[] fragment = frame(0x0, false, " ".getBytes(StandardCharsets.UTF_8));
        while (System.nanoTime() < end) {
          s.getOutputStream().write(fragment);
        }
      });
      case "pipelining" -> socketLoops(8, end, "pipeline-", s -> {
        byte[] many = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        while (System.nanoTime() < end) {
          s.getOutputStream().write(many); // never reads the answers
        }
      });
      case "upgrade-idle" -> {
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
          Socket s = connect(port);
          s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          held.add(s);
        }
        yield () -> {
          // the node's request deadline (10 s in conf/cluster-node-1.json) runs from each answer
          TimeUnit.NANOSECONDS.sleep(Math.max(0, end - System.nanoTime()));
          TimeUnit.SECONDS.sleep(Math.max(0, 12 - seconds));
          long closed = held.stream().filter(AbuseScenario::endedByServer).count();
          held.forEach(AbuseScenario::closeQuietly);
          return new JsonObject().put("idle connections held", held.size()).put("of which closed by the node", closed);
        };
      }
      case "history" -> {
        AtomicLong bytes = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        List<BridgeClient> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          clients.add(BridgeClient.connect(vertx, ws, port, LocalCluster.token(new JsonObject().put("sub", "abuse-amplifier-" + i)
              .put("channels", new JsonArray().add("abuse.*")))).await());
        }
        long period = vertx.setPeriodic(20, id -> clients.forEach(c -> c.request("rt.channel.history",
            new JsonObject().put("channel", "abuse.history").put("since", 0)).onSuccess(r -> {
              if ("err".equals(r.getString("type"))) {
                refused.incrementAndGet();
              } else {
                answered.incrementAndGet();
                bytes.addAndGet(r.encode().length());
              }
            })));
        yield () -> {
          TimeUnit.NANOSECONDS.sleep(Math.max(0, end - System.nanoTime()));
          vertx.cancelTimer(period);
          for (BridgeClient c : clients) {
            c.close().await();
          }
          return new JsonObject().put("history answers", answered.get()).put("history requests refused", refused.get())
              .put("answer bytes per second per connection", bytes.get() / 4 / seconds);
        };
      }
      case "connections" -> {
        String token = LocalCluster.token("abuse-many-tabs");
        List<BridgeClient> clients = new ArrayList<>();
        AtomicLong closed = new AtomicLong();
        for (int i = 0; i < 1000; i++) {
          BridgeClient c = BridgeClient.connect(vertx, ws, port, token).await();
          c.closed().onSuccess(code -> closed.incrementAndGet());
          clients.add(c);
        }
        yield () -> {
          TimeUnit.NANOSECONDS.sleep(Math.max(0, end - System.nanoTime()));
          long refused = closed.get();
          for (BridgeClient c : clients) {
            c.close().otherwiseEmpty().await();
          }
          return new JsonObject().put("WebSockets opened with one token", clients.size()).put("of which closed by the node", refused);
        };
      }
      default -> throw new IllegalArgumentException(attack);
    };
  }

  /** What one attacking socket does until it is closed or the attack ends. */
  private interface SocketAttack {
    void run(Socket s) throws Exception;
  }

  /** {@code n} threads each running {@code attack} on a fresh connection, again each time the node closes it, until {@code end}. */
  private static Attack socketLoops(int n, long end, String name, SocketAttack attack) {
    AtomicLong closedByNode = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Thread t = new Thread(() -> {
        while (System.nanoTime() < end) {
          try (Socket s = new Socket()) {
            s.setSendBufferSize(64 * 1024);
            s.setReceiveBufferSize(4096); // reads nothing: the node's answers back up
            s.connect(new InetSocketAddress("127.0.0.1", LocalCluster.httpPort(1)), 5000);
            s.setSoTimeout(5000);
            attack.run(s);
          } catch (Exception e) {
            closedByNode.incrementAndGet(); // a write on a connection the node closed
          }
        }
      }, "abuse-" + name + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    return () -> {
      for (Thread t : threads) {
        t.join(TimeUnit.NANOSECONDS.toMillis(Math.max(0, end - System.nanoTime())) + 15_000);
      }
      return new JsonObject().put("attacking connections closed by the node", closedByNode.get());
    };
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(1);
    return s;
  }

  /** Whether the node closed {@code s} (its answer, then the end of the stream). */
  private static boolean endedByServer(Socket s) {
    try {
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      while (true) {
        if (in.read(buf) < 0) {
          return true;
        }
      }
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  private static void upgrade(Socket s, int port, String token) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(("GET /eventbus/websocket?token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    InputStream in = s.getInputStream();
    int crlfs = 0;
    int c;
    while (crlfs < 4 && (c = in.read()) >= 0) { // the 101 and its headers, to the empty line
      crlfs = (c == '\r' || c == '\n') ? crlfs + 1 : 0;
    }
  }

  /** A masked client frame with a payload under 126 bytes. */
  private static byte[] frame(int opcode, boolean fin, byte[] payload) {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 6);
    f.write((fin ? 0x80 : 0) | opcode);
    f.write(0x80 | payload.length);
    byte[] mask = {1, 2, 3, 4};
    f.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      f.write(payload[i] ^ mask[i & 3]);
    }
    return f.toByteArray();
  }
}
