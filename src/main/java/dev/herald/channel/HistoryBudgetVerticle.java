package dev.herald.channel;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.herald.cluster.ClusterHandle;
import dev.herald.config.BroadcastConfig;
import dev.herald.observability.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the history held by the channels this node owns under
 * {@code broadcast.historyMaxBytesPerNode}: every second, when it owns enough channels to reach
 * the budget at all, it asks each owned channel what it keeps (where the log lives, nothing
 * copied) and clears the history of those {@link HistoryBudget} picks. One per node. Between two checks a node can overshoot by what a second of publishes adds,
 * which the per-connection and per-token publish rates bound.
 */
public final class HistoryBudgetVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HistoryBudgetVerticle.class);
  static final long PERIOD_MS = 1000;

  private final BroadcastConfig config;
  private final ClusterHandle cluster;
  private IMap<String, ChannelLog> logs;
  private Counter dropped;
  private boolean running;

  public HistoryBudgetVerticle(BroadcastConfig config, ClusterHandle cluster) {
    this.config = config;
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    logs = cluster.hazelcast().getMap(BroadcastVerticle.MAP);
    dropped = Metrics.counter(vertx, "herald_history_dropped_bytes", "channel history dropped to keep the node under broadcast.historyMaxBytesPerNode");
    vertx.setPeriodic(PERIOD_MS, id -> check());
    return Future.succeededFuture();
  }

  private void check() {
    if (running) {
      return;
    }
    running = true;
    // not on the event loop: Hazelcast's map statistics wait (100 ms, up to three times, per
    // partition) for each backup replica that has no owner yet, as many have while a dead member's
    // partitions are copied again; read here, they held the loop 2-3 s in failovers
    // (docs/benchmarks-log.md); localKeySet queries this member's partitions and can wait while they migrate too
    vertx.executeBlocking(() -> {
      // while this node owns too few channels to reach the budget even when each is full, nothing to do
      long channels = logs.getLocalMapStats().getOwnedEntryCount();
      return channels * config.historyMaxBytes() <= config.historyMaxBytesPerNode() ? Set.<String>of() : logs.localKeySet();
    }, false)
        .compose(owned -> owned.isEmpty() ? Future.succeededFuture(Map.<String, HistoryBudget.Usage>of())
            : cluster.onKeys(logs, owned, new UsageOp(), context))
        .compose(usage -> {
          List<String> clear = HistoryBudget.toClear(usage, config.historyMaxBytesPerNode());
          if (clear.isEmpty()) {
            return Future.succeededFuture();
          }
          return cluster.onKeys(logs, clear, new ClearOp(), context).onSuccess(freed -> {
            long sum = freed.values().stream().mapToLong(Long::longValue).sum();
            dropped.increment(sum);
            LOG.warn("history over broadcast.historyMaxBytesPerNode ({} bytes): dropped {} bytes of {} channels published to longest ago",
                config.historyMaxBytesPerNode(), sum, clear.size());
          });
        })
        .onComplete(ar -> {
          running = false;
          if (ar.failed()) {
            LOG.debug("history budget check failed: {}", ar.cause().toString());
          }
        });
  }

  /** What one channel keeps. */
  static final class UsageOp implements EntryProcessor<String, ChannelLog, HistoryBudget.Usage>, ReadOnly {
    private static final long serialVersionUID = 1L;

    @Override
    public HistoryBudget.Usage process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue();
      return log == null ? new HistoryBudget.Usage(0, 0) : new HistoryBudget.Usage(log.bytes(), log.lastPublished());
    }

    @Override
    public EntryProcessor<String, ChannelLog, HistoryBudget.Usage> getBackupProcessor() {
      return null;
    }
  }

  /** Drops a channel's history, on the owner and its backup alike; answers the bytes freed. */
  static final class ClearOp implements EntryProcessor<String, ChannelLog, Long> {
    private static final long serialVersionUID = 1L;

    @Override
    public Long process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue();
      if (log == null) {
        return 0L;
      }
      long freed = log.clearHistory();
      if (entry instanceof com.hazelcast.map.ExtendedMapEntry<String, ChannelLog> e) {
        e.setValueWithoutChangingExpiryTime(log); // clearing is not a message: the channel's idle clock runs on
      } else {
        entry.setValue(log);
      }
      return freed;
    }

    @Override
    public EntryProcessor<String, ChannelLog, Long> getBackupProcessor() {
      return this;
    }
  }
}
