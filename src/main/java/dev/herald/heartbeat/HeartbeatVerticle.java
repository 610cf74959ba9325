package dev.herald.heartbeat;

import dev.herald.cluster.ClusterHandle;
import dev.herald.config.HeraldConfig;
import dev.herald.observability.Readiness;
import dev.herald.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The node heartbeat: every {@code heartbeat.intervalSeconds} this node publishes its load
 * (connections and subscriptions, as its gateways tell on {@link Addresses#GATEWAY_LOAD}; zero
 * where no gateway runs) on {@link Addresses#NODE_HEARTBEAT}, and keeps the last beat of every node
 * for {@code /ready} (figures {@value #FIGURES}). A node not heard from for three intervals drops
 * out of the view. Connection liveness (closing a socket silent for {@code heartbeat.timeoutSeconds})
 * happens where the sockets are, in the gateway's sweep.
 */
public final class HeartbeatVerticle extends VerticleBase {

  /** The name of this feature's figures in {@code /ready}: the beats of every node. */
  public static final String FIGURES = "cluster";
  private static final JsonObject NO_LOAD = new JsonObject().put("connections", 0).put("subscriptions", 0);

  private final HeraldConfig config;
  private final ClusterHandle cluster;
  private final ClusterView view = new ClusterView();

  public HeartbeatVerticle(HeraldConfig config, ClusterHandle cluster) {
    this.config = config;
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    long interval = config.heartbeat().intervalSeconds() * 1000L;
    vertx.setPeriodic(0, interval, id -> beat(interval));
    return Future.join(
        vertx.eventBus().<JsonObject>consumer(Addresses.NODE_HEARTBEAT, this::onBeat).completion(),
        // the admin console: the live nodes and their load (the departed ones are gone from the view)
        vertx.eventBus().consumer(Addresses.ADMIN_NODES, m -> m.reply(new JsonObject().put("nodes", view.nodes()))).completion());
  }

  private void beat(long interval) {
    DeliveryOptions local = new DeliveryOptions().setLocalOnly(true).setSendTimeout(Math.max(100, interval / 2));
    vertx.eventBus().<JsonObject>request(Addresses.GATEWAY_LOAD, null, local)
        .map(Message::body).otherwise(NO_LOAD)
        .onSuccess(load -> vertx.eventBus().publish(Addresses.NODE_HEARTBEAT, load.copy()
            .put("node", config.node().name()).put("nodeId", cluster.nodeId()).put("ts", System.currentTimeMillis())));
    view.expire(System.currentTimeMillis() - 3 * interval);
    Readiness.figures(vertx, FIGURES, view.nodes());
  }

  private void onBeat(Message<JsonObject> msg) {
    view.beat(msg.body(), System.currentTimeMillis());
    Readiness.figures(vertx, FIGURES, view.nodes());
  }
}
