package dev.herald.heartbeat;

import dev.herald.cluster.ClusterHandle;
import dev.herald.protocol.Addresses;
import dev.herald.config.HeraldConfig;
import dev.herald.observability.NodeLoad;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The node heartbeat: every {@code heartbeat.intervalSeconds} this node publishes its load
 * (connections, subscriptions) on {@link Addresses#NODE_HEARTBEAT}, and keeps the last beat of
 * every node for {@code /ready}. A node not heard from for three intervals drops out of the view.
 * Connection liveness (closing a socket silent for {@code heartbeat.timeoutSeconds}) happens where
 * the sockets are, in the gateway's sweep.
 */
public final class HeartbeatVerticle extends VerticleBase {

  private final HeraldConfig config;
  private final ClusterHandle cluster;

  public HeartbeatVerticle(HeraldConfig config, ClusterHandle cluster) {
    this.config = config;
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    long interval = config.heartbeat().intervalSeconds() * 1000L;
    vertx.setPeriodic(0, interval, id -> {
      vertx.eventBus().publish(Addresses.NODE_HEARTBEAT, NodeLoad.local(vertx)
          .put("node", config.node().name()).put("nodeId", cluster.nodeId()).put("ts", System.currentTimeMillis()));
      NodeLoad.expire(vertx, System.currentTimeMillis() - 3 * interval);
    });
    return vertx.eventBus().<JsonObject>consumer(Addresses.NODE_HEARTBEAT, this::onBeat).completion();
  }

  private void onBeat(Message<JsonObject> msg) {
    NodeLoad.beat(vertx, msg.body(), System.currentTimeMillis());
  }
}
