package dev.herald.bench;

import dev.herald.token.TestTokens;
import dev.herald.client.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One of the chaos suite's client processes, run inside a "host" (network namespace) next to its
 * node: a publisher (every other message with an id, retried on {@code unavailable} like
 * herald-client.js) and subscribers that are also presence subjects. They reconnect on their own,
 * first to their home node, then to the others. Everything seen is written to {@code --out} at the
 * end for {@link ChaosCheck}: acks, errors, every message received, and which users are connected;
 * then it stays connected ({@code --linger} seconds) while the checker looks at presence.
 */
final class ChaosClient {

  private final Vertx vertx = Vertx.vertx();
  private final WebSocketClient ws = vertx.createWebSocketClient();
  private final List<String> nodes;
  private final String secret;
  private final String tag;
  private final int channels;
  private final int subscribers;
  private final List<JsonObject> events = new ArrayList<>();
  private volatile boolean running = true;
  /** False from the stop file on: no new publish, while what is in flight ends and deliveries drain. */
  private volatile boolean publishing = true;
  /** Publishes sent and not yet answered for good (acked, or given up after their retries). */
  private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
  /** After the last publish ends, how long deliveries may take before the run stops recording. */
  static final long DRAIN_MS = 2000;

  private ChaosClient(Bench.Options o) {
    nodes = List.of(o.string("nodes", "127.0.0.1:8081").split(","));
    secret = o.string("secret", "local-cluster-dev-secret-not-for-production-use");
    tag = o.string("tag", "h1");
    channels = o.integer("channels", 4);
    subscribers = o.integer("subscribers", 3);
  }

  static int run(Bench.Options o) throws Exception {
    ChaosClient c = new ChaosClient(o);
    int seconds = o.integer("seconds", 60);
    for (int i = 0; i < c.subscribers; i++) {
      c.subscriber("u-" + c.tag + "-" + i, 0);
    }
    Publisher p = c.new Publisher(o.integer("rate", 20));
    c.vertx.setTimer(100, id -> p.connect(0));
    // runs --seconds at most, or until the script says the fault and the settling are over
    String stopFile = o.string("stopFile", null);
    Path stop = stopFile == null ? null : Path.of(stopFile);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end && (stop == null || !Files.exists(stop))) {
      Thread.sleep(100);
    }
    // a quiet end: no new publish; the ones in flight end (their retries included), then deliveries
    // drain for DRAIN_MS, so a subscriber that is behind at the end stopped receiving
    c.publishing = false;
    long quietBy = System.nanoTime() + 20_000_000_000L;
    while (c.inFlight.get() > 0 && System.nanoTime() < quietBy) {
      Thread.sleep(100);
    }
    Thread.sleep(DRAIN_MS);
    long stoppedAt = System.currentTimeMillis();
    c.running = false;
    JsonArray alive = new JsonArray();
    synchronized (c.events) {
      c.connected.forEach((user, bc) -> {
        if (!bc.isClosed()) {
          alive.add(user);
        }
      });
      // whole or not at all: the script starts the check once the file is there
      Path out = Path.of(o.string("out", "chaos-" + c.tag + ".json"));
      Path tmp = Path.of(out + ".tmp");
      Files.writeString(tmp, new JsonObject().put("tag", c.tag).put("stoppedAt", stoppedAt).put("alive", alive).put("events", new JsonArray(c.events)).encode());
      Files.move(tmp, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    // stay connected while the checker compares presence with who is connected; killed after it
    Thread.sleep(o.integer("linger", 120) * 1000L);
    c.vertx.close().await();
    return 0;
  }

  private final Map<String, BridgeClient> connected = new HashMap<>();

  private void record(JsonObject e) {
    synchronized (events) {
      if (running) {
        events.add(e.put("at", System.currentTimeMillis()));
      }
    }
  }

  private Future<BridgeClient> connect(String user, int attempt, JsonObject claims) {
    String node = nodes.get(attempt % nodes.size());
    int colon = node.lastIndexOf(':');
    String token = TestTokens.hs256(secret, claims.copy().mergeIn(TestTokens.claims(user)));
    return BridgeClient.connect(vertx, ws, node.substring(0, colon), Integer.parseInt(node.substring(colon + 1)), token, null, 2000);
  }

  /** A subscriber of every channel: records each message; on a close it reconnects and subscribes again. */
  private void subscriber(String user, int attempt) {
    if (!running) {
      return;
    }
    connect(user, attempt, new JsonObject().put("channels", new JsonArray().add("chaos.*")).put("watch", new JsonArray().add("u-*"))).onComplete(ar -> {
      if (ar.failed()) {
        vertx.setTimer(500, id -> subscriber(user, attempt + 1));
        return;
      }
      BridgeClient bc = ar.result();
      synchronized (events) {
        connected.put(user, bc);
      }
      record(new JsonObject().put("t", "connected").put("user", user).put("node", nodes.get(attempt % nodes.size())));
      for (int k = 0; k < channels; k++) {
        bc.register("rt.channel.chaos.c" + k, f -> {
          JsonObject m = f.getJsonObject("body");
          record(new JsonObject().put("t", "recv").put("user", user).put("channel", m.getString("channel"))
              .put("epoch", m.getString("epoch")).put("seq", m.getLong("seq")).put("data", m.getValue("data")));
        });
      }
      // watches every subject of the suite (u-h1-0 .. u-h3-2): an offline event for one that stays
      // connected is a flap
      for (int h = 1; h <= 3; h++) {
        for (int j = 0; j < subscribers; j++) {
          String subject = "u-h" + h + "-" + j;
          bc.register("rt.presence.user." + subject, f -> {
            JsonObject ev = f.getJsonObject("body");
            record(new JsonObject().put("t", "presence").put("user", user).put("subject", subject).put("status", ev.getString("status")));
          });
        }
      }
      bc.closed().onComplete(c -> {
        record(new JsonObject().put("t", "closed").put("user", user));
        vertx.setTimer(500, id -> subscriber(user, 0));
      });
    });
  }

  /**
   * Publishes {@code rate} messages a second: half to {@code chaos.c0}, the busiest channel (the one
   * whose owner the owner scenarios cut), the rest round-robin over the others; every other one has an id.
   */
  private final class Publisher {
    private final long periodMs;
    private BridgeClient bc;
    private long n;

    Publisher(int rate) {
      this.periodMs = Math.max(1, 1000 / rate);
      vertx.setPeriodic(periodMs, id -> publishNext());
    }

    void connect(int attempt) {
      if (!running) {
        return;
      }
      ChaosClient.this.connect("p-" + tag, attempt, new JsonObject().put("publish", new JsonArray().add("chaos.*"))).onComplete(ar -> {
        if (ar.failed()) {
          vertx.setTimer(500, id -> connect(attempt + 1));
          return;
        }
        bc = ar.result();
        bc.closed().onComplete(c -> vertx.setTimer(500, id -> connect(0)));
      });
    }

    private void publishNext() {
      if (!publishing || bc == null || bc.isClosed()) {
        return;
      }
      long i = n++;
      String channel = "chaos.c" + (i % 2 == 0 || channels == 1 ? 0 : 1 + (i / 2) % (channels - 1));
      JsonObject data = new JsonObject().put("p", tag).put("n", i);
      JsonObject body = new JsonObject().put("channel", channel).put("data", data);
      if (i % 2 == 0) {
        body.put("id", tag + "-" + i);
      }
      inFlight.incrementAndGet();
      send(body, 0);
    }

    private void send(JsonObject body, int retry) {
      BridgeClient c = bc;
      if (c == null || c.isClosed()) {
        record(new JsonObject().put("t", "err").put("channel", body.getString("channel")).put("data", body.getValue("data")).put("code", -1));
        inFlight.decrementAndGet();
        return;
      }
      c.request("rt.channel.publish", body).onComplete(ar -> {
        if (ar.succeeded() && "rec".equals(ar.result().getString("type"))) {
          record(new JsonObject().put("t", "ack").put("channel", body.getString("channel")).put("seq", ar.result().getJsonObject("body").getLong("seq"))
              .put("data", body.getValue("data")).put("id", body.getString("id")));
          inFlight.decrementAndGet();
          return;
        }
        int code = ar.succeeded() ? ar.result().getInteger("failureCode", 0) : -1;
        if (body.containsKey("id") && (code == 5030 || code == -1) && retry < 10 && running) {
          // the same id again: stored at most once
          vertx.setTimer(1000, id -> send(body, retry + 1));
        } else {
          record(new JsonObject().put("t", "err").put("channel", body.getString("channel")).put("data", body.getValue("data")).put("code", code));
          inFlight.decrementAndGet();
        }
      });
    }
  }
}
