package dev.herald.presence;

import com.hazelcast.map.IMap;
import dev.herald.cluster.ClusterHandle;
import dev.herald.cluster.Janitor;
import dev.herald.config.PresenceConfig;
import io.vertx.core.Future;

import java.util.Set;

/**
 * Takes the connections of nodes that are gone out of presence, and publishes each resulting
 * {@code offline} event (and webhook) once ({@link Janitor}).
 */
public final class PresenceJanitor extends Janitor {

  private final PresenceConfig config;
  private final String node;
  private PresenceEvents events;

  public PresenceJanitor(PresenceConfig config, ClusterHandle cluster, String node) {
    super(cluster, config.reconcileSeconds());
    this.config = config;
    this.node = node;
  }

  @Override
  public Future<?> start() {
    events = new PresenceEvents(vertx, node);
    return super.start();
  }

  @Override
  protected Future<Void> clean(Set<String> nodes, boolean alive) {
    long now = cluster.now();
    IMap<String, PresenceRecord> presence = cluster.hazelcast().getMap(PresenceVerticle.MAP);
    PresenceOp op = (alive ? PresenceOp.keepNodes(nodes, now) : PresenceOp.dropNodes(nodes, now)).offlineFor(config.offlineRecordSeconds());
    return run("presence", presence, op, nodes, alive, changes -> changes.forEach((user, c) -> events.raise(c, null)));
  }
}
