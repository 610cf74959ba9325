package dev.herald.gateway.fanout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flipkart.zjsonpatch.DiffFlags;
import com.flipkart.zjsonpatch.JsonDiff;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumSet;

/**
 * The delta form of one channel's messages on one gateway (docs/protocol.md, "Delta compression"):
 * the previous message's {@code data}, and for each new message whether a JSON Patch (RFC 6902,
 * computed by zjsonpatch) from it is worth sending instead of the data. Pure: {@link LocalFanout}
 * hands it the encoded data and decides who gets which frame.
 *
 * <p>A patch is given only for the seq that follows the previous one in the same epoch (after a
 * hole the subscribers do not hold seq-1 either), only when diffing is cheap enough
 * ({@link #work}, at most {@code namespaces.<ns>.deltaMaxWork}: zjsonpatch compares arrays with a
 * longest-common-subsequence search, quadratic when an array changes wholesale), and only when
 * it is smaller than the data. Patches carry only {@code add}, {@code remove} and {@code replace}
 * (no {@code move}/{@code copy}: searching for those costs more, and saves little).
 */
final class ChannelDelta {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final EnumSet<DiffFlags> FLAGS = EnumSet.of(DiffFlags.OMIT_VALUE_ON_REMOVE, DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION);

  private final long maxWork;
  private String epoch;
  private long seq = -1;
  private JsonNode previous;

  /** @param maxWork the most {@link #work} one diff may take */
  ChannelDelta(long maxWork) {
    this.maxWork = maxWork;
  }

  /** What {@link #next} decided. */
  enum Outcome {
    /** the patch is in {@link #next}'s answer */
    PATCH,
    /** not asked for ({@code wanted} false), or nothing to diff from: the first message, a new epoch, a hole */
    NO_BASE,
    /** diffing would take more than the bound */
    TOO_COSTLY,
    /** the patch was not smaller than the data */
    NOT_SMALLER
  }

  /** A decision: {@code patch} (the encoded JSON Patch array) only for {@link Outcome#PATCH}. */
  record Result(Outcome outcome, byte[] patch) {
    static final Result NO_BASE = new Result(Outcome.NO_BASE, null);
    static final Result TOO_COSTLY = new Result(Outcome.TOO_COSTLY, null);
    static final Result NOT_SMALLER = new Result(Outcome.NOT_SMALLER, null);
  }

  /**
   * The message {@code seq} of {@code epoch} with {@code data} (its JSON, UTF-8) is being delivered:
   * remembered as the base of the next one, and when {@code wanted} (some subscriber holds the
   * previous message and asked for deltas) the patch from the previous one, when worth it.
   */
  Result next(String epoch, long seq, byte[] data, boolean wanted) {
    JsonNode current = read(data);
    boolean follows = previous != null && seq == this.seq + 1 && epoch != null && epoch.equals(this.epoch);
    JsonNode base = previous;
    this.epoch = epoch;
    this.seq = seq;
    this.previous = current;
    if (!wanted || !follows) {
      return Result.NO_BASE;
    }
    if (work(base, current, maxWork) > maxWork) {
      return Result.TOO_COSTLY;
    }
    byte[] patch = write(JsonDiff.asJson(base, current, FLAGS));
    return patch.length < data.length ? new Result(Outcome.PATCH, patch) : Result.NOT_SMALLER;
  }

  /**
   * An upper estimate of the steps zjsonpatch takes to diff {@code a} into {@code b}, counted
   * until it passes {@code limit}: per pair of unequal arrays at the same place, Myers' search
   * (which the longest common subsequence runs) costs at most (n + m) × d with d at most the
   * items left between their common prefix and suffix, and what is nested in those items is
   * compared pairwise (its size, squared). Equal parts, objects and scalars cost no search.
   */
  static long work(JsonNode a, JsonNode b, long limit) {
    if (a.equals(b)) {
      return 0;
    }
    if (a.isObject() && b.isObject()) {
      long sum = 0;
      for (var fields = a.fields(); fields.hasNext() && sum <= limit; ) {
        var e = fields.next();
        JsonNode other = b.get(e.getKey());
        if (other != null) {
          sum += work(e.getValue(), other, limit - sum);
        }
      }
      return sum;
    }
    if (a.isArray() && b.isArray()) {
      int n = a.size();
      int m = b.size();
      int prefix = 0;
      while (prefix < n && prefix < m && a.get(prefix).equals(b.get(prefix))) {
        prefix++;
      }
      int suffix = 0;
      while (suffix < n - prefix && suffix < m - prefix && a.get(n - 1 - suffix).equals(b.get(m - 1 - suffix))) {
        suffix++;
      }
      long search = (long) (n + m) * ((n - prefix - suffix) + (m - prefix - suffix));
      long nested = nodes(a, prefix, n - suffix, limit) + nodes(b, prefix, m - suffix, limit);
      return search + Math.min(nested, limit + 1) * Math.min(nested, limit + 1);
    }
    return 0;
  }

  /** The members of the containers in {@code array}'s items {@code from} to {@code to}, at any depth (counted until past {@code limit}). */
  private static long nodes(JsonNode array, int from, int to, long limit) {
    long count = 0;
    for (int i = from; i < to && count <= limit; i++) {
      count += members(array.get(i), limit - count);
    }
    return count;
  }

  private static long members(JsonNode node, long limit) {
    if (!node.isContainerNode()) {
      return 0;
    }
    long count = node.size();
    for (JsonNode child : node) {
      if (count > limit) {
        break;
      }
      count += members(child, limit - count);
    }
    return count;
  }

  /** Forgets the base: the next message goes out whole. */
  void forget() {
    previous = null;
    seq = -1;
    epoch = null;
  }

  private static JsonNode read(byte[] data) {
    try {
      return JSON.readTree(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // the bus carries data Vert.x encoded: always JSON
    }
  }

  private static byte[] write(JsonNode patch) {
    try {
      return JSON.writeValueAsBytes(patch);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
