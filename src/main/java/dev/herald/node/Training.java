package dev.herald.node;

import dev.herald.config.HeraldConfig;
import dev.herald.protocol.Addresses;
import dev.herald.token.Principal;
import dev.herald.token.TokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code java -XX:AOTCacheOutput=herald.aot -jar herald.jar --train [connections]}: the training run
 * of a JDK 25 ahead-of-time cache, from the jar alone (the Docker image's build runs it; so does
 * {@code scripts/aot-train.sh}). A node on loopback, alone in its cluster, meets what a fresh node
 * meets after a crash or a deploy: rounds of connect storms over the raw WebSocket, each client
 * registering a channel and asking its session, broadcasts to all of them through the HTTP API,
 * and every client gone again. Then it stops as on SIGTERM and the JVM writes the cache as it exits.
 * The node's ports are free ones picked at start, its token secret made up for the run.
 */
public final class Training {

  private static final Logger LOG = LoggerFactory.getLogger(Training.class);
  private static final int ROUNDS = 3;
  private static final int BROADCASTS = 5;
  private static final int IN_FLIGHT = 100;
  private static final String CHANNEL = "train.all";
  /** Connections a round opens unless told otherwise. */
  public static final int DEFAULT_CONNECTIONS = 9000;

  private Training() {
  }

  /** Runs the training; the connections are capped by the open-files limit (each is two files here). */
  public static void run(int connections) throws Exception {
    int n = Math.max(1, Math.min(connections, (int) (openFilesLimit() - 500) / 2));
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    int httpPort = freePort();
    int clusterPort = freePort();
    JsonObject conf = new JsonObject()
        .put("node", new JsonObject().put("name", "aot-training"))
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", httpPort).put("maxConnectionsPerAddress", n + 100))
        .put("cluster", new JsonObject().put("host", "127.0.0.1").put("port", clusterPort).put("eventBusPort", freePort())
            .put("members", new JsonArray().add("127.0.0.1:" + clusterPort)))
        .put("auth", new JsonObject().put("devTokens", false)
            .put("jwt", new JsonObject().put("algorithm", "HS256").put("secret", Base64.getEncoder().encodeToString(secret))))
        .put("bridge", new JsonObject().put("drainGraceSeconds", 0).put("connectsPerSecond", 1_000_000));
    HeraldConfig config = HeraldConfig.fromJson(conf);
    Node node = Node.start(config).await();
    Vertx clients = Vertx.vertx();
    try {
      TokenVerifier signer = new TokenVerifier(clients, config.auth().jwt());
      String service = signer.sign(new JsonObject().put("sub", "aot-trainer").put("roles", new JsonArray().add(Principal.ROLE_SERVICE)), 3600);
      WebSocketClient ws = clients.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(n + 10));
      HttpClient http = clients.createHttpClient(new HttpClientOptions().setDefaultPort(httpPort).setDefaultHost("127.0.0.1"));
      for (int round = 1; round <= ROUNDS; round++) {
        long t0 = System.nanoTime();
        List<WebSocket> open = storm(clients, ws, httpPort, signer, n, round);
        AtomicInteger received = new AtomicInteger();
        Promise<Void> all = Promise.promise();
        int expected = n * BROADCASTS;
        for (WebSocket s : open) {
          s.frameHandler(f -> {
            if (delivery(f) && received.incrementAndGet() == expected) {
              all.tryComplete();
            }
          });
        }
        for (int b = 0; b < BROADCASTS; b++) {
          publish(http, service, b).await();
        }
        all.future().timeout(60, java.util.concurrent.TimeUnit.SECONDS).recover(e -> Future.succeededFuture()).await();
        Future.join(open.stream().map(WebSocket::close).toList()).await();
        LOG.info("training round {}: {} connections, {} of {} deliveries, {} ms", round, open.size(), received.get(), expected,
            (System.nanoTime() - t0) / 1_000_000);
        if (open.size() < n || received.get() < expected) {
          // a cache trained on a node that failed its clients would ship that run's profile
          throw new IllegalStateException("training round " + round + ": " + open.size() + " of " + n + " connections subscribed, "
              + received.get() + " of " + expected + " deliveries");
        }
      }
    } finally {
      clients.close().await();
      node.stop().await();
    }
  }

  /** {@code n} clients connect, {@link #IN_FLIGHT} at a time, each registered on the channel once its session answered. */
  private static List<WebSocket> storm(Vertx vertx, WebSocketClient ws, int port, TokenVerifier signer, int n, int round) {
    List<WebSocket> open = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < Math.min(IN_FLIGHT, n); lane++) {
      lanes.add(lane(vertx, ws, port, signer, n, round, next, open));
    }
    Future.join(lanes).await();
    return open;
  }

  private static Future<Void> lane(Vertx vertx, WebSocketClient ws, int port, TokenVerifier signer, int n, int round,
                                   AtomicInteger next, List<WebSocket> open) {
    int i = next.getAndIncrement();
    if (i >= n) {
      return Future.succeededFuture();
    }
    String token = signer.sign(new JsonObject().put("sub", "trainee-" + round + "-" + i).put("channels", new JsonArray().add("train.*")), 3600);
    WebSocketConnectOptions to = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/eventbus/websocket?token=" + token);
    return ws.connect(to).compose(s -> {
      Promise<Void> ready = Promise.promise();
      s.frameHandler(f -> {
        JsonObject frame = json(f);
        if (frame != null && "rec".equals(frame.getString("type")) && "session".equals(frame.getString("address"))) {
          ready.tryComplete(); // asked after the register: the register is in effect
        }
      });
      s.closeHandler(v -> ready.tryFail("closed"));
      s.writeTextMessage(new JsonObject().put("type", "register").put("address", Addresses.channel(CHANNEL)).encode());
      s.writeTextMessage(new JsonObject().put("type", "send").put("address", Addresses.SESSION).put("replyAddress", "session").encode());
      return ready.future().timeout(30, java.util.concurrent.TimeUnit.SECONDS).onSuccess(v -> open.add(s));
    }).transform(ar -> lane(vertx, ws, port, signer, n, round, next, open));
  }

  /** A frame as JSON, or null (the raw WebSocket answers in binary frames). */
  private static JsonObject json(io.vertx.core.http.WebSocketFrame f) {
    Buffer data = f.isText() ? Buffer.buffer(f.textData()) : f.isBinary() ? f.binaryData() : null;
    try {
      return data == null ? null : new JsonObject(data);
    } catch (io.vertx.core.json.DecodeException notJson) {
      return null;
    }
  }

  /** Whether {@code f} is one of the channel's messages (its long form the first time, then its short one), not an err on its address. */
  private static boolean delivery(io.vertx.core.http.WebSocketFrame f) {
    JsonObject frame = json(f);
    return frame != null && Addresses.channel(CHANNEL).equals(frame.getString("address")) && !"err".equals(frame.getString("type"))
        && (frame.getValue("body") instanceof JsonArray || frame.getValue("body") instanceof JsonObject m && m.containsKey("seq"));
  }

  private static Future<Void> publish(HttpClient http, String service, int b) {
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/channels/" + CHANNEL + "/messages")
            .putHeader("Authorization", "Bearer " + service).putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(Buffer.buffer(new JsonObject().put("data", new JsonObject().put("broadcast", b)).encode())))
        .compose(resp -> resp.body().mapEmpty());
  }

  private static long openFilesLimit() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return 4096;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
