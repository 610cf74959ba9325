package dev.herald.bench;

import dev.herald.client.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delta compression (docs/protocol.md, "Delta compression"): one node, a channel of a namespace
 * with {@code delta} that republishes a ~5 KB JSON document (a board of 56 quotes) with one or two
 * prices changed each time, {@code rate} a second. Three phases of {@code seconds} each, with
 * {@code subscribers} raw-WebSocket subscribers: none opted in (every delivery whole), half opted
 * in (the bytes each half receives per delivery, and the share of the opted-in deliveries that
 * came as deltas), all opted in. Node CPU per delivery for the first and the last.
 */
final class DeltaScenario {

  private DeltaScenario() {
  }

  static JsonObject run(Bench.Options o) throws Exception {
    int subscribers = o.integer("subscribers", 200);
    int seconds = o.integer("seconds", 10);
    int rate = o.integer("rate", 20);
    JsonObject params = new JsonObject().put("subscribers", subscribers).put("seconds per phase", seconds).put("messages a second", rate)
        .put("document bytes", board(0).encode().length());
    Vertx vertx = Vertx.vertx();
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
    JsonObject figures = new JsonObject();
    try (LocalCluster cluster = new LocalCluster(Path.of("target/bench/delta-logs")).withConf(new JsonObject()
        .put("namespaces", new JsonObject().put("doc", new JsonObject().put("delta", "json-patch")))
        .put("bridge", new JsonObject().put("publishPerSecond", 100_000)))) {
      Bench.progress("starting 1 node, namespace doc with delta json-patch");
      cluster.start(1);
      int port = LocalCluster.httpPort(1);
      String token = LocalCluster.token(new JsonObject().put("sub", "bench-delta").put("channels", new JsonArray().add("doc:*"))
          .put("publish", new JsonArray().add("doc:*")));
      BridgeClient publisher = BridgeClient.connect(vertx, ws, port, token).await();
      phase(vertx, ws, port, token, publisher, cluster, "doc:warm", subscribers, 0.5, Math.max(2, seconds / 3), rate); // the JIT
      JsonObject none = phase(vertx, ws, port, token, publisher, cluster, "doc:none", subscribers, 0, seconds, rate);
      JsonObject half = phase(vertx, ws, port, token, publisher, cluster, "doc:half", subscribers, 0.5, seconds, rate);
      JsonObject all = phase(vertx, ws, port, token, publisher, cluster, "doc:all", subscribers, 1, seconds, rate);
      figures.put("whole: bytes per delivery", half.getLong("plain bytes per delivery"))
          .put("delta: bytes per delivery", half.getLong("opted-in bytes per delivery"))
          .put("bytes ratio (delta / whole)", Bench.round2(half.getLong("opted-in bytes per delivery") / (double) half.getLong("plain bytes per delivery")))
          .put("share of opted-in deliveries sent as deltas", half.getDouble("delta share"))
          .put("node CPU per delivery, none opted in (µs)", none.getDouble("CPU per delivery (µs)"))
          .put("node CPU per delivery, half opted in (µs)", half.getDouble("CPU per delivery (µs)"))
          .put("node CPU per delivery, all opted in (µs)", all.getDouble("CPU per delivery (µs)"))
          .put("deliveries per phase", half.getLong("deliveries"))
          .put("messages lost", none.getLong("lost") + half.getLong("lost") + all.getLong("lost"));
      publisher.close().await();
      return new JsonObject().put("scenario", "delta").put("parameters", params).put("figures", figures);
    } finally {
      vertx.close().await();
    }
  }

  /** A ~5 KB document; {@code version} changes one or two of its prices. */
  static JsonObject board(int version) {
    JsonArray items = new JsonArray();
    for (int i = 0; i < 56; i++) {
      double price = 100.0 + i + (i == version % 56 ? version / 100.0 : 0) + (i == (version * 7) % 56 && version % 2 == 0 ? 0.25 : 0);
      items.add(new JsonObject().put("symbol", "SYM" + i).put("name", "Company number " + i + " of the index")
          .put("price", price).put("volume", 1000 * i + (i == version % 56 ? version : 0)));
    }
    return new JsonObject().put("board", "quotes").put("version", version).put("items", items);
  }

  private static JsonObject phase(Vertx vertx, WebSocketClient ws, int port, String token, BridgeClient publisher, LocalCluster cluster,
                                  String channel, int n, double optedIn, int seconds, int rate) throws Exception {
    int delta = (int) Math.round(n * optedIn);
    Bench.progress(channel + ": " + n + " subscribers, " + delta + " asking for deltas, " + seconds + " s at " + rate + " a second");
    List<BridgeClient> plain = new ArrayList<>();
    List<BridgeClient> opted = new ArrayList<>();
    AtomicLong plainFrames = new AtomicLong();
    AtomicLong optedFrames = new AtomicLong();
    AtomicLong deltaFrames = new AtomicLong();
    String address = Wire.channel(channel);
    // a user each: one user holds at most bridge.maxConnectionsPerUser (100) connections on a node
    List<String> tokens = LocalCluster.tokens(channel.replace(':', '-') + "-", n, new JsonObject().put("channels", new JsonArray().add("doc:*")));
    for (int i = 0; i < n; i++) {
      BridgeClient c = BridgeClient.connect(vertx, ws, port, tokens.get(i)).await();
      if (i < delta) {
        c.register(address, new JsonObject().put("delta", "json-patch"), f -> {
          optedFrames.incrementAndGet();
          if (Boolean.TRUE.equals(f.getValue("delta"))) {
            deltaFrames.incrementAndGet();
          }
        });
        opted.add(c);
      } else {
        c.register(address, f -> plainFrames.incrementAndGet());
        plain.add(c);
      }
    }
    Future.all(plain.stream().map(BridgeClient::sync).toList()).await();
    Future.all(opted.stream().map(BridgeClient::sync).toList()).await();
    long plainBytes0 = plain.stream().mapToLong(BridgeClient::bytesReceived).sum();
    long optedBytes0 = opted.stream().mapToLong(BridgeClient::bytesReceived).sum();
    long cpu0 = Proc.cpuMillis(cluster.pid(1));
    int messages = seconds * rate;
    long start = System.nanoTime();
    for (int v = 0; v < messages; v++) {
      publisher.request("rt.channel.publish", new JsonObject().put("channel", channel).put("data", board(v)), null).await();
      long due = start + (v + 1) * 1_000_000_000L / rate;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
    long expected = (long) messages * n;
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (plainFrames.get() + optedFrames.get() < expected && System.nanoTime() < deadline) {
      Thread.sleep(20); // the last message's deliveries (bounded: a lost one is counted below)
    }
    long cpu = Proc.cpuMillis(cluster.pid(1)) - cpu0;
    long delivered = plainFrames.get() + optedFrames.get();
    long plainBytes = plain.stream().mapToLong(BridgeClient::bytesReceived).sum() - plainBytes0;
    long optedBytes = opted.stream().mapToLong(BridgeClient::bytesReceived).sum() - optedBytes0;
    Future.join(plain.stream().map(BridgeClient::close).toList()).otherwiseEmpty().await();
    Future.join(opted.stream().map(BridgeClient::close).toList()).otherwiseEmpty().await();
    return new JsonObject().put("deliveries", delivered).put("lost", expected - delivered)
        .put("plain bytes per delivery", plainFrames.get() == 0 ? 0 : plainBytes / plainFrames.get())
        .put("opted-in bytes per delivery", optedFrames.get() == 0 ? 0 : optedBytes / optedFrames.get())
        .put("delta share", optedFrames.get() == 0 ? 0.0 : Bench.round2(deltaFrames.get() / (double) optedFrames.get()))
        .put("CPU per delivery (µs)", delivered == 0 ? 0.0 : Bench.round2(cpu * 1000.0 / delivered));
  }
}
