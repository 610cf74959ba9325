package dev.herald.channel;

import dev.herald.protocol.Utf8;
import dev.herald.protocol.message.ChannelMessage;
import dev.herald.protocol.message.History;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One channel's sequence and retained history: pure, no Vert.x or Hazelcast I/O. {@link PublishOp}
 * changes it atomically on the partition that owns the channel, so sequence numbers are total
 * per channel across the cluster.
 *
 * <p>{@code seq} starts at 1 and grows by one per message. {@code epoch} is made when the log is
 * created; a log that was lost and made again has a new epoch, so a client can tell its
 * positions are void. What is kept is bounded by {@link Retention}: a count, bytes, an age.
 */
public final class ChannelLog implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * A stored message. {@code data} is kept encoded, as it came; {@code id} is the publisher's
   * idempotency key (null when none was given).
   */
  public record Stored(long seq, long ts, String from, String data, String traceId, String id) implements Serializable {
    /** What this message costs in memory, roughly: its strings as UTF-8 plus a fixed overhead. */
    long bytes() {
      return Utf8.length(data) + (from == null ? 0 : from.length()) + (traceId == null ? 0 : traceId.length())
          + (id == null ? 0 : id.length()) + 96;
    }
  }

  /**
   * How much history a channel keeps: at most {@code count} messages and {@code bytes}, none older
   * than {@code ttlMs}; and for how long after it published a message's id still makes a repeat
   * of it a repeat ({@code idempotencyMs}), kept or not.
   */
  public record Retention(int count, long bytes, long ttlMs, long idempotencyMs) implements Serializable {
    /** Ids remembered only while their messages are kept. */
    public Retention(int count, long bytes, long ttlMs) {
      this(count, bytes, ttlMs, 0);
    }
  }

  /** The id and seq of a message the history no longer keeps, remembered for the idempotency window. */
  record Forgotten(String id, long seq, long ts) implements Serializable {
  }

  /** Most forgotten ids a channel remembers, whatever the window: a bound on what a fast channel keeps. */
  static final int MAX_FORGOTTEN = 10_000;

  private final String channel;
  private final String epoch;
  private long nextSeq = 1;
  private final ArrayDeque<Stored> messages = new ArrayDeque<>();
  private long bytes;
  private long lastPublished;
  /** The kept messages by idempotency key: every publish has one, and a scan per publish would cost the whole history. */
  private final Map<String, Stored> byId = new HashMap<>();
  /** Ids of messages dropped from the history, oldest first, for the idempotency window. */
  private final ArrayDeque<Forgotten> forgotten = new ArrayDeque<>();
  private final Map<String, Forgotten> forgottenById = new HashMap<>();

  public ChannelLog(String channel, String epoch) {
    this.channel = channel;
    this.epoch = epoch;
  }

  /**
   * A log as it was written out ({@code ChannelLogSerializers}): its messages in seq order, none
   * dropped again (the retention kept them once already).
   */
  static ChannelLog restore(String channel, String epoch, long nextSeq, long lastPublished, List<Stored> messages, List<Forgotten> forgotten) {
    ChannelLog log = new ChannelLog(channel, epoch);
    log.nextSeq = nextSeq;
    messages.forEach(log::keep);
    forgotten.forEach(log::remember);
    log.lastPublished = lastPublished;
    return log;
  }

  /** The ids remembered past the history, oldest first. */
  Iterable<Forgotten> forgotten() {
    return forgotten;
  }

  int forgottenCount() {
    return forgotten.size();
  }

  /** The kept messages, oldest first. */
  Iterable<Stored> messages() {
    return messages;
  }

  public String epoch() {
    return epoch;
  }

  public long nextSeq() {
    return nextSeq;
  }

  /**
   * Appends with the next seq, then drops the oldest messages over the retention. A message
   * whose {@code id} is already in the history is not appended: the one kept is returned, so a
   * publisher's retry gets the original seq and nothing is stored twice.
   */
  public Stored append(long ts, String from, String data, String traceId, String id, Retention r) {
    return append(ts, from, data, traceId, id, r, Long.MAX_VALUE);
  }

  /**
   * The same, dropping no message from {@code undelivered} on: the owner delivers a channel's
   * messages from its log once each is confirmed, so one stored but not delivered yet (a publish
   * that came in between) must stay, whatever the retention says, until it went out. Those are the
   * publishes in flight, so the history is over its bounds by at most them, for that long.
   */
  public Stored append(long ts, String from, String data, String traceId, String id, Retention r, long undelivered) {
    Stored earlier = id == null ? null : byId(id);
    if (earlier != null) {
      return earlier;
    }
    Forgotten gone = id == null ? null : forgottenById.get(id);
    if (gone != null && gone.ts() >= ts - r.idempotencyMs()) {
      // its message is no longer kept, but its id is: the seq it had, with nothing to deliver again
      return new Stored(gone.seq(), gone.ts(), null, null, null, id);
    }
    Stored s = new Stored(nextSeq++, ts, from, data, traceId, id);
    add(s, r, undelivered);
    return s;
  }

  /** The kept messages with a seq from {@code from} to {@code to}, in seq order. */
  public java.util.List<Stored> range(long from, long to) {
    java.util.List<Stored> out = new java.util.ArrayList<>();
    for (Stored m : messages) {
      if (m.seq() > to) {
        break;
      }
      if (m.seq() >= from) {
        out.add(m);
      }
    }
    return out;
  }

  /** The kept message with this idempotency key, or null. */
  public Stored byId(String id) {
    return byId.get(id);
  }

  /** Appends a message whose seq was already assigned (on a backup copy, in the primary's order). */
  public void replay(Stored s, Retention r) {
    if (s.seq() >= nextSeq) {
      nextSeq = s.seq() + 1;
      add(s, r, Long.MAX_VALUE);
    }
  }

  private void add(Stored s, Retention r, long undelivered) {
    keep(s);
    lastPublished = Math.max(lastPublished, s.ts());
    while (!messages.isEmpty() && messages.peekFirst().seq() < undelivered
        && (messages.size() > r.count() || bytes > r.bytes() || messages.peekFirst().ts() < s.ts() - r.ttlMs())) {
      Stored dropped = messages.removeFirst();
      bytes -= dropped.bytes();
      if (dropped.id() != null) {
        byId.remove(dropped.id(), dropped);
        if (dropped.ts() >= s.ts() - r.idempotencyMs()) {
          remember(new Forgotten(dropped.id(), dropped.seq(), dropped.ts()));
        }
      }
    }
    while (!forgotten.isEmpty() && (forgotten.size() > MAX_FORGOTTEN || forgotten.peekFirst().ts() < s.ts() - r.idempotencyMs())) {
      Forgotten f = forgotten.removeFirst();
      forgottenById.remove(f.id(), f);
    }
  }

  private void remember(Forgotten f) {
    forgotten.addLast(f);
    forgottenById.put(f.id(), f);
  }

  /** Keeps {@code s} as the newest message, counted and findable by its id. */
  private void keep(Stored s) {
    messages.addLast(s);
    bytes += s.bytes();
    if (s.id() != null) {
      byId.put(s.id(), s);
    }
  }

  /** Drops every kept message; the seq and epoch stay (the node's history budget ran out). Returns the bytes freed. */
  public long clearHistory() {
    long freed = bytes;
    for (Stored m : messages) {
      if (m.id() != null && forgotten.size() < MAX_FORGOTTEN) {
        remember(new Forgotten(m.id(), m.seq(), m.ts())); // the window outlives the history; the next publish trims it
      }
    }
    messages.clear();
    byId.clear();
    bytes = 0;
    return freed;
  }

  /** Bytes of the messages kept, as {@link Stored#bytes()} counts them. */
  public long bytes() {
    return bytes;
  }

  /** When the newest message was published (ms), 0 if none was. */
  public long lastPublished() {
    return lastPublished;
  }

  /**
   * The messages after {@code since} (at most {@code limit}, oldest first). {@code recovered} is
   * false when some message after {@code since} is no longer kept, or when {@code since} is past
   * the end (a position from another epoch).
   */
  public History history(long since, int limit, long now, long ttlMs) {
    long last = nextSeq - 1;
    long oldestKept = nextSeq;
    List<ChannelMessage> out = new java.util.ArrayList<>();
    for (Stored s : messages) {
      if (s.ts() < now - ttlMs) {
        continue;
      }
      oldestKept = Math.min(oldestKept, s.seq());
      if (s.seq() > since && out.size() < limit) {
        out.add(message(s));
      }
    }
    boolean recovered = since <= last && since + 1 >= oldestKept;
    return new History(channel, epoch, out, nextSeq, recovered);
  }

  /**
   * A cache namespace's history ({@code recovery: cache}): only the latest message, when it is
   * newer than {@code since} and still kept. {@code recovered} is true when the answer brings the
   * reader to the channel's state (the latest message, or nothing newer than {@code since}); false
   * when the latest message is no longer kept or {@code since} is past the end.
   */
  public History latest(long since, long now, long ttlMs) {
    long last = nextSeq - 1;
    Stored newest = messages.peekLast();
    boolean kept = newest != null && newest.seq() == last && newest.ts() >= now - ttlMs;
    List<ChannelMessage> out = kept && last > since ? List.of(message(newest)) : List.of();
    boolean recovered = since <= last && (since == last || kept);
    return new History(channel, epoch, out, nextSeq, recovered);
  }

  /** A stored message as subscribers get it. */
  public ChannelMessage message(Stored s) {
    return new ChannelMessage(channel, s.seq(), epoch, s.ts(), s.from(), s.data(), s.traceId());
  }

  public String channel() {
    return channel;
  }

  /** Messages kept. */
  public int size() {
    return messages.size();
  }
}
