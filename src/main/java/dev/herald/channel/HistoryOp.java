package dev.herald.channel;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Reads a channel's history after a seq, where the log lives (no copy of the whole log travels),
 * at the cluster's time ({@link dev.herald.cluster.ClusterHandle#now}), the clock the messages' times are read from.
 */
public final class HistoryOp implements EntryProcessor<String, ChannelLog, String>, ReadOnly {

  private static final long serialVersionUID = 1L;

  // package-private for its wire form (ChannelLogSerializers)
  final long since;
  final int limit;
  final long now;
  final long ttlMs;
  /** Only the latest message ({@link ChannelLog#latest}): a cache namespace's read. */
  final boolean latest;

  public HistoryOp(long since, int limit, long now, long ttlMs, boolean latest) {
    this.since = since;
    this.limit = limit;
    this.now = now;
    this.ttlMs = ttlMs;
    this.latest = latest;
  }

  /** The History payload, encoded (JsonObject is not Java-serializable); null when the channel has no log. */
  @Override
  public String process(Map.Entry<String, ChannelLog> entry) {
    ChannelLog log = entry.getValue();
    if (log == null) {
      return null;
    }
    return (latest ? log.latest(since, now, ttlMs) : log.history(since, limit, now, ttlMs)).toJson().encode();
  }

  @Override
  public EntryProcessor<String, ChannelLog, String> getBackupProcessor() {
    return null;
  }
}
