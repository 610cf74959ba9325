package dev.herald.presence;

import com.hazelcast.aggregation.Aggregator;
import com.hazelcast.map.IMap;
import dev.herald.cluster.ClusterHandle;
import dev.herald.observability.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;

import java.util.EnumMap;
import java.util.Map;

/** Presence's gauges in {@code /metrics}: users with a record and users online, cluster-wide. */
public final class PresenceMetrics {

  private PresenceMetrics() {
  }

  public static void register(Vertx vertx, ClusterHandle cluster) {
    IMap<String, PresenceRecord> presence = cluster.hazelcast().getMap(PresenceVerticle.MAP);
    Metrics.clusterGauge(vertx, "herald_presence_records", "users with a presence record (cluster-wide)", () -> (long) presence.size());
    Metrics.clusterGauge(vertx, "herald_presence_online", "users online (cluster-wide)", () -> presence.aggregate(new OnlineUsers()));
    events(vertx);
  }

  /** Presence events raised by this node, by the status they announce: every series from the start. */
  static Map<Status, Counter> events(Vertx vertx) {
    Map<Status, Counter> counts = new EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      counts.put(s, Metrics.counter(vertx, "herald_presence_events",
          "presence changes raised by this node (each raised once cluster-wide), by new status", "status", s.wire()));
    }
    return counts;
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
