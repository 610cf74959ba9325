package dev.herald.broadcast;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * One channel's sequence and retained history: pure, no Vert.x or Hazelcast I/O. {@link PublishOp}
 * changes it atomically on the partition that owns the channel, so sequence numbers are total
 * per channel across the cluster.
 *
 * <p>{@code seq} starts at 1 and grows by one per message. {@code epoch} is made when the log is
 * created; a log that was lost and made again has a new epoch, so a client can tell its
 * positions are void. At most {@code capacity} messages are kept, none older than the TTL.
 */
public final class ChannelLog implements Serializable {

  private static final long serialVersionUID = 1L;

  /** A stored message. {@code data} is kept encoded, as it came. */
  public record Stored(long seq, long ts, String from, String data, String traceId) implements Serializable {
  }

  private final String channel;
  private final String epoch;
  private long nextSeq = 1;
  private final ArrayDeque<Stored> messages = new ArrayDeque<>();

  public ChannelLog(String channel, String epoch) {
    this.channel = channel;
    this.epoch = epoch;
  }

  public String epoch() {
    return epoch;
  }

  public long nextSeq() {
    return nextSeq;
  }

  /** Appends with the next seq, then drops what is over capacity or older than {@code ttlMs}. */
  public Stored append(long ts, String from, String data, String traceId, int capacity, long ttlMs) {
    Stored s = new Stored(nextSeq++, ts, from, data, traceId);
    messages.addLast(s);
    trim(ts, capacity, ttlMs);
    return s;
  }

  /** Appends a message whose seq was already assigned (on a backup copy, in the primary's order). */
  public void replay(Stored s, int capacity, long ttlMs) {
    if (s.seq() >= nextSeq) {
      messages.addLast(s);
      nextSeq = s.seq() + 1;
      trim(s.ts(), capacity, ttlMs);
    }
  }

  private void trim(long now, int capacity, long ttlMs) {
    while (messages.size() > capacity || (!messages.isEmpty() && messages.peekFirst().ts() < now - ttlMs)) {
      messages.removeFirst();
    }
  }

  /**
   * The messages after {@code since} (at most {@code limit}, oldest first). {@code recovered} is
   * false when some message after {@code since} is no longer kept, or when {@code since} is past
   * the end (a position from another epoch).
   */
  public JsonObject history(long since, int limit, long now, long ttlMs) {
    long last = nextSeq - 1;
    long oldestKept = nextSeq;
    JsonArray out = new JsonArray();
    for (Iterator<Stored> it = messages.iterator(); it.hasNext(); ) {
      Stored s = it.next();
      if (s.ts() < now - ttlMs) {
        continue;
      }
      oldestKept = Math.min(oldestKept, s.seq());
      if (s.seq() > since && out.size() < limit) {
        out.add(toJson(channel, epoch, s));
      }
    }
    boolean recovered = since <= last && since + 1 >= oldestKept;
    return new JsonObject().put("channel", channel).put("epoch", epoch).put("messages", out)
        .put("nextSeq", nextSeq).put("recovered", recovered);
  }

  /** The channel message of PROTOCOL.md. */
  public static JsonObject toJson(String channel, String epoch, Stored s) {
    return new JsonObject().put("channel", channel).put("seq", s.seq()).put("epoch", epoch).put("ts", s.ts())
        .put("from", s.from()).put("data", Json.decodeValue(s.data())).put("traceId", s.traceId());
  }

  public String channel() {
    return channel;
  }

  /** Messages kept. */
  public int size() {
    return messages.size();
  }
}
