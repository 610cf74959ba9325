package dev.herald.presence;

import com.hazelcast.aggregation.Aggregator;
import com.hazelcast.map.IMap;
import dev.herald.cluster.ClusterHandle;
import dev.herald.observability.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;

import java.util.Map;

/** Presence's gauges in {@code /metrics}: users with a record and users online, cluster-wide. */
public final class PresenceMetrics {

  private PresenceMetrics() {
  }

  public static void register(Vertx vertx, ClusterHandle cluster) {
    IMap<String, PresenceRecord> presence = cluster.hazelcast().getMap(PresenceVerticle.MAP);
    Metrics.clusterGauge(vertx, "herald_presence_records", "users with a presence record (cluster-wide)", () -> (long) presence.size());
    Metrics.clusterGauge(vertx, "herald_presence_online", "users online (cluster-wide)", () -> presence.aggregate(new OnlineUsers()));
    for (Status s : Status.values()) {
      events(vertx, s);
    }
  }

  /** Presence events raised by this node, by the status they announce. */
  static Counter events(Vertx vertx, Status status) {
    return Metrics.counter(vertx, "herald_presence_events", "presence changes raised by this node (each raised once cluster-wide), by new status",
        "status", status.wire());
  }

  /** Users with at least one live connection, counted where the records live. */
  static final class OnlineUsers implements Aggregator<Map.Entry<String, PresenceRecord>, Long> {
    private static final long serialVersionUID = 1L;
    private long count;

    @Override
    public void accumulate(Map.Entry<String, PresenceRecord> e) {
      if (e.getValue() != null && !e.getValue().connections().isEmpty()) {
        count++;
      }
    }

    @Override
    public void combine(Aggregator aggregator) {
      count += ((OnlineUsers) aggregator).count;
    }

    @Override
    public Long aggregate() {
      return count;
    }
  }
}
