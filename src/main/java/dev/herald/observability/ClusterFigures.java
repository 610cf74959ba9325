package dev.herald.observability;

import com.hazelcast.aggregation.Aggregator;
import dev.herald.broadcast.ChannelLog;
import dev.herald.presence.PresenceRecord;

import java.util.Map;

/** Aggregations over Herald's cluster maps, run where the data lives; for /metrics. */
final class ClusterFigures {

  private ClusterFigures() {
  }

  /** Users with at least one live connection. */
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

  /** Messages kept in all channels' histories. */
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
