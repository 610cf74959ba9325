package dev.herald.bench;

import dev.herald.client.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;

/** One Herald node (conf/cluster-node-1.json) as a fan-out target: one user per connection, channel {@code fanout.one}. */
final class HeraldTarget implements FanoutTarget {

  private static final String CHANNEL = "fanout.one";

  private final Vertx vertx;
  private final WebSocketClient ws;
  private final LocalCluster cluster = new LocalCluster(Path.of("target/bench/fanout-logs"));
  private List<String> tokens;
  private BridgeClient publisher;

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
    Bench.progress("getting " + subscribers + " dev tokens (one user per connection)");
    tokens = LocalCluster.tokens("fan-", subscribers, new JsonObject().put("channels", new JsonArray().add("fanout.*")));
    publisher = BridgeClient.connect(vertx, ws, LocalCluster.httpPort(1),
        LocalCluster.token(new JsonObject().put("sub", "fan-publisher").put("publish", new JsonArray().add("fanout.*")))).await();
  }

  @Override
  public Future<?> subscribe(int i, BiConsumer<Long, JsonObject> onMessage) {
    return BridgeClient.connect(vertx, ws, LocalCluster.httpPort(1), tokens.get(i)).compose(c -> c.subscribe(Wire.channel(CHANNEL), f -> {
      JsonObject m = f.getJsonObject("body");
      onMessage.accept(m.getLong("seq"), m.getJsonObject("data"));
    }));
  }

  @Override
  public Future<?> publish(JsonObject data) {
    return publisher.request(Wire.CHANNEL_PUBLISH, new JsonObject().put("channel", CHANNEL).put("data", data));
  }

  @Override
  public JsonObject extraFigures() throws Exception {
    JsonObject ready = new JsonObject(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + LocalCluster.httpPort(1) + "/ready")).build(), HttpResponse.BodyHandlers.ofString()).body());
    return new JsonObject().put("bus registrations with all subscribed", ready.getInteger("busRegistrations"));
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
