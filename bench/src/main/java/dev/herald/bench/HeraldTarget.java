package dev.herald.bench;

import dev.herald.client.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * One Herald node (conf/cluster-node-1.json) as a fan-out target: one user per connection, channel
 * {@code fanout.one}; a backend service publishes over the HTTP API, as the comparison servers'
 * publisher is their own server code.
 */
final class HeraldTarget implements FanoutTarget {

  private static final String CHANNEL = "fanout.one";

  private final Vertx vertx;
  private final WebSocketClient ws;
  private final LocalCluster cluster = new LocalCluster(Path.of("target/bench/fanout-logs"));
  private List<String> tokens;
  private HttpClient publisher;
  private String serviceToken;
  private int users;
  private final List<BridgeClient> subscribers = new CopyOnWriteArrayList<>();

  HeraldTarget(Vertx vertx, WebSocketClient ws) throws Exception {
    this.vertx = vertx;
    this.ws = ws;
    cluster.start(1);
  }

  @Override
  public String name() {
    return "herald";
  }

  @Override
  public long pid() {
    return cluster.pid(1);
  }

  @Override
  public void prepare(int subscribers) throws Exception {
    Bench.progress("signing " + subscribers + " tokens (one user per connection)");
    users = subscribers;
    tokens = LocalCluster.tokens("fan-", subscribers, new JsonObject().put("channels", new JsonArray().add("fanout.*")));
    serviceToken = LocalCluster.serviceToken("fan-publisher");
    publisher = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(LocalCluster.httpPort(1)));
  }

  @Override
  public Future<?> subscribe(int i, BiConsumer<Long, JsonObject> onMessage) {
    return subscribe(i, onMessage, 1);
  }

  /** Most tries of a connect the node turns away (1013, over bridge.connectsPerSecond), as herald-client.js retries it. */
  private static final int MAX_TRIES = 10;

  private Future<?> subscribe(int i, BiConsumer<Long, JsonObject> onMessage, int attempt) {
    return BridgeClient.connect(vertx, ws, LocalCluster.httpPort(1), tokens.get(i)).compose(c -> {
      subscribers.add(c);
      return c.subscribe(Wire.channel(CHANNEL), f -> {
        JsonObject m = f.getJsonObject("body");
        onMessage.accept(m.getLong("seq"), m.getJsonObject("data"));
      }).recover(err -> {
        Short code = c.closed().isComplete() ? c.closed().result() : null;
        if (code == null || code != 1013 || attempt >= MAX_TRIES) {
          return Future.failedFuture(err);
        }
        subscribers.remove(c);
        turnedAway.incrementAndGet();
        return vertx.timer(10L * attempt).compose(t -> subscribe(i, onMessage, attempt + 1)).mapEmpty();
      });
    });
  }

  /** Connects the node turned away (1013) and that came back, since the last {@link #closeSubscribers}. */
  private final java.util.concurrent.atomic.AtomicLong turnedAway = new java.util.concurrent.atomic.AtomicLong();

  @Override
  public Future<?> publish(JsonObject data) {
    return publisher.request(HttpMethod.POST, "/api/v1/channels/" + CHANNEL + "/messages")
        .compose(req -> req.putHeader("Authorization", "Bearer " + serviceToken).putHeader("Content-Type", "application/json")
            .send(new JsonObject().put("data", data).encode()))
        .compose(resp -> resp.body().compose(body -> resp.statusCode() == 201 ? Future.succeededFuture(body)
            : Future.failedFuture("publish answered " + resp.statusCode() + ": " + body)));
  }

  @Override
  public Future<?> closeSubscribers() {
    List<Future<Void>> closed = subscribers.stream().map(BridgeClient::close).toList();
    subscribers.clear();
    long away = turnedAway.getAndSet(0);
    if (away > 0) {
      Bench.progress(away + " connects turned away (1013, bridge.connectsPerSecond) came back and were let in");
    }
    return Future.join(closed);
  }

  @Override
  public long bytesReceived() {
    return subscribers.stream().mapToLong(BridgeClient::bytesReceived).sum();
  }

  @Override
  public boolean jvm() {
    return true;
  }

  @Override
  public long heapAfterGcKb() throws Exception {
    return Proc.heapAfterGcKb(pid());
  }

  @Override
  public JsonObject extraFigures() throws Exception {
    JsonObject ready = new JsonObject(java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + LocalCluster.httpPort(1) + "/ready")).build(), HttpResponse.BodyHandlers.ofString()).body());
    // after storms of connects, closes and connects again: presence and membership exactly right
    Truth truth = Truth.of(CHANNEL, "fan-", users);
    return new JsonObject().put("bus registrations with all subscribed", ready.getInteger("busRegistrations"))
        .put("channel members at the end (of " + users + ")", truth.members())
        .put("users online at the end (of " + users + ")", truth.online());
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
