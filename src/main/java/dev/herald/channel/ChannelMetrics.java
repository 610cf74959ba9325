package dev.herald.channel;

import com.hazelcast.aggregation.Aggregator;
import com.hazelcast.map.IMap;
import dev.herald.cluster.ClusterHandle;
import dev.herald.observability.Metrics;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;

import java.util.Map;

/** The channels' gauges in {@code /metrics}: channels with a log and messages kept, cluster-wide. */
public final class ChannelMetrics {

  private ChannelMetrics() {
  }

  public static void register(Vertx vertx, ClusterHandle cluster) {
    IMap<String, ChannelLog> logs = cluster.hazelcast().getMap(BroadcastVerticle.MAP);
    Metrics.clusterGauge(vertx, "herald_channels", "channels with a message log (cluster-wide)", () -> (long) logs.size());
    Metrics.clusterGauge(vertx, "herald_history_messages", "messages kept in channel histories (cluster-wide)",
        () -> logs.aggregate(new HistoryMessages()));
    publishes(vertx);
  }

  /** Publish latency on the broadcast service: from the request to its answer (stored on the owner and its backup). */
  static Timer publishes(Vertx vertx) {
    return Metrics.timer(vertx, "herald_publish", "channel publishes, from request to acknowledgement (stored with its backup)");
  }

  /**
   * A publish answered {@code unavailable} instead of its ack, by why: {@code timeout} (not
   * confirmed in broadcast.publishTimeoutMs), {@code unconfirmed} (completed, but a member left,
   * the backup timed out or the majority was lost), {@code failed} (the write failed).
   */
  static void unconfirmed(Vertx vertx, String why) {
    Metrics.counter(vertx, "herald_publish_unconfirmed", "publishes answered unavailable instead of an ack, by why", "why", why).increment();
  }

  /** Messages kept in all channels' histories, counted where the logs live. */
  static final class HistoryMessages implements Aggregator<Map.Entry<String, ChannelLog>, Long> {
    private static final long serialVersionUID = 1L;
    private long count;

    @Override
    public void accumulate(Map.Entry<String, ChannelLog> e) {
      if (e.getValue() != null) {
        count += e.getValue().size();
      }
    }

    @Override
    public void combine(Aggregator aggregator) {
      count += ((HistoryMessages) aggregator).count;
    }

    @Override
    public Long aggregate() {
      return count;
    }
  }
}
