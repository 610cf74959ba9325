package dev.herald.bench;

import dev.herald.client.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the backend in the loop costs (docs/protocol.md, "Backend proxies"): one node, and a
 * backend in this process that answers at once (so the figures are Herald's, not a backend's).
 * Connects: {@code connects} handshakes with a token, then as many through the connect proxy (a
 * cookie, no token), {@code concurrency} at a time: connects a second, p50 and p99. Publishes:
 * {@code publishes} acknowledged publishes one after another on one connection, to a channel the
 * token allows and to one the publish proxy checks: p50 and p99 of the ack. Then the backend goes
 * down for {@code downSeconds}: connects are still answered (503 at once, the breaker open), how
 * many a second and how fast; and when it is back, how long until a connect succeeds.
 */
final class ProxyScenario {

  private ProxyScenario() {
  }

  static JsonObject run(Bench.Options o) throws Exception {
    int connects = o.integer("connects", 2000);
    int concurrency = o.integer("concurrency", 50);
    int publishes = o.integer("publishes", 2000);
    int downSeconds = o.integer("downSeconds", 5);
    int backendPort = o.integer("backendPort", 18_790);
    JsonObject params = new JsonObject().put("connects", connects).put("concurrency", concurrency).put("publishes", publishes)
        .put("downSeconds", downSeconds);
    Vertx vertx = Vertx.vertx();
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
    String base = "http://127.0.0.1:" + backendPort;
    JsonObject proxy = new JsonObject()
        .put("connect", new JsonObject().put("url", base + "/connect").put("headers", new JsonArray().add("Cookie")))
        .put("publish", new JsonObject().put("url", base + "/publish").put("channels", new JsonArray().add("proxied.*")))
        .put("resetTimeoutMs", 1000);
    HttpServer backend = startBackend(vertx, backendPort);
    JsonObject figures = new JsonObject();
    try (LocalCluster cluster = new LocalCluster(Path.of("target/bench/proxy-logs")).withConf(new JsonObject().put("proxy", proxy)
        .put("http", new JsonObject().put("authFailuresPerSecondPerIp", 100_000).put("allowedOrigins", new JsonArray().add("https://bench.example")))
        // one connection publishes as fast as acks come: the per-connection rates would measure themselves
        .put("bridge", new JsonObject().put("publishPerSecond", 100_000).put("commandsPerSecond", 100_000).put("commandBurst", 100_000)))) {
      Bench.progress("starting 1 node with the connect and publish proxies");
      cluster.start(1);
      int port = LocalCluster.httpPort(1);
      String token = LocalCluster.token(new JsonObject().put("sub", "bench-proxy").put("channels", new JsonArray().add("*"))
          .put("publish", new JsonArray().add("plain.*")));
      // warm both paths (the JIT, the pools), then measure
      storm(vertx, ws, port, 200, concurrency, token);
      storm(vertx, ws, port, 200, concurrency, null);
      Bench.progress(connects + " connects with a token, then " + connects + " through the connect proxy");
      put(figures, "token connect", storm(vertx, ws, port, connects, concurrency, token));
      put(figures, "proxied connect", storm(vertx, ws, port, connects, concurrency, null));
      BridgeClient c = BridgeClient.connect(vertx, ws, port, token).await();
      publishLatency(c, "plain.bench", 200);
      publishLatency(c, "proxied.bench", 200);
      Bench.progress(publishes + " publishes on each path");
      put(figures, "token publish", publishLatency(c, "plain.bench", publishes));
      put(figures, "proxied publish", publishLatency(c, "proxied.bench", publishes));
      c.close().await();

      Bench.progress("the backend down for " + downSeconds + " s");
      backend.close().await();
      long end = System.nanoTime() + downSeconds * 1_000_000_000L;
      Histogram refusal = new Histogram(3);
      long answered = 0;
      long accepted = 0;
      while (System.nanoTime() < end) {
        long t0 = System.nanoTime();
        boolean ok = connect(vertx, ws, port, null).transform(ar -> Future.succeededFuture(ar.succeeded())).await();
        refusal.recordValue((System.nanoTime() - t0) / 1000);
        answered++;
        accepted += ok ? 1 : 0;
      }
      figures.put("backend down: connects answered a second", Math.round(answered / (double) downSeconds))
          .put("backend down: connects accepted", accepted)
          .put("backend down: answer p50 (ms)", Bench.ms(refusal.getValueAtPercentile(50)))
          .put("backend down: answer p99 (ms)", Bench.ms(refusal.getValueAtPercentile(99)));
      backend = startBackend(vertx, backendPort);
      long back = System.nanoTime();
      while (!connect(vertx, ws, port, null).transform(ar -> Future.succeededFuture(ar.succeeded())).await()) {
        Thread.sleep(20);
      }
      figures.put("backend back: first connect after (ms)", (System.nanoTime() - back) / 1_000_000);
      return new JsonObject().put("scenario", "proxy").put("parameters", params).put("figures", figures);
    } finally {
      vertx.close().await();
    }
  }

  private static void put(JsonObject figures, String what, JsonObject f) {
    f.forEach(e -> figures.put(what + ": " + e.getKey(), e.getValue()));
  }

  /** A backend that answers at once: the cookie's user; every publish as it came. */
  private static HttpServer startBackend(Vertx vertx, int port) {
    return vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      JsonObject in = b.toJsonObject();
      if (req.path().equals("/connect")) {
        String cookie = in.getJsonObject("headers").getString("cookie", "u=anon");
        req.response().end(new JsonObject().put("result", new JsonObject().put("user", cookie.substring(cookie.indexOf('=') + 1))
            .put("channels", new JsonArray().add("*"))).encode());
      } else {
        req.response().end("{\"result\":{}}");
      }
    })).listen(port, "127.0.0.1").await();
  }

  private static Future<BridgeClient> connect(Vertx vertx, WebSocketClient ws, int port, String token) {
    if (token != null) {
      return BridgeClient.connect(vertx, ws, port, token, null, 0);
    }
    return BridgeClient.connectWithHeaders(vertx, ws, port, java.util.Map.of("Cookie", "u=bench-cookie"));
  }

  /** {@code n} handshakes, {@code concurrency} in flight, each closed once open: connects a second, p50, p99, failures. */
  private static JsonObject storm(Vertx vertx, WebSocketClient ws, int port, int n, int concurrency, String token) throws Exception {
    Histogram h = new Histogram(3);
    long failed = 0;
    long t0 = System.nanoTime();
    for (int done = 0; done < n; done += concurrency) {
      List<Future<Long>> wave = new ArrayList<>();
      for (int i = done; i < Math.min(n, done + concurrency); i++) {
        long s = System.nanoTime();
        wave.add(connect(vertx, ws, port, token).compose(c -> c.close().map(v -> (System.nanoTime() - s) / 1000)));
      }
      for (Future<Long> f : wave) {
        Long us = f.transform(ar -> Future.succeededFuture(ar.succeeded() ? ar.result() : null)).await();
        if (us == null) {
          failed++;
        } else {
          h.recordValue(us);
        }
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new JsonObject().put("a second", Math.round(n / seconds)).put("p50 (ms)", Bench.ms(h.getValueAtPercentile(50)))
        .put("p99 (ms)", Bench.ms(h.getValueAtPercentile(99))).put("failed", failed);
  }

  /** {@code n} publishes, each after the last one's ack: p50, p99 and failures of the ack. */
  private static JsonObject publishLatency(BridgeClient c, String channel, int n) {
    Histogram h = new Histogram(3);
    long failed = 0;
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      JsonObject answer = c.request("rt.channel.publish", new JsonObject().put("channel", channel).put("data", new JsonObject().put("n", i)), null).await();
      if ("rec".equals(answer.getString("type"))) {
        h.recordValue((System.nanoTime() - t0) / 1000);
      } else {
        failed++;
      }
    }
    return new JsonObject().put("p50 (ms)", Bench.ms(h.getValueAtPercentile(50))).put("p99 (ms)", Bench.ms(h.getValueAtPercentile(99))).put("failed", failed);
  }
}
