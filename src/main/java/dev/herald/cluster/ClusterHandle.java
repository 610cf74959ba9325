package dev.herald.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.partition.PartitionService;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * What a verticle may know of the cluster it runs in: this node's id, whether it has a majority,
 * and the Hazelcast instance, for the structures Vert.x's AsyncMap cannot express (entry processors).
 *
 * @param quorum how many members make a majority ({@code cluster.quorum})
 * @param backupTimeoutMs Hazelcast's {@code hazelcast.operation.backup.timeout.millis}, past which
 *                 it completes a write whose backup did not answer
 */
public record ClusterHandle(HazelcastInstance hazelcast, int quorum, long backupTimeoutMs) {

  public static ClusterHandle of(HazelcastInstance hz, int quorum) {
    String timeout = hz.getConfig().getProperty("hazelcast.operation.backup.timeout.millis");
    return new ClusterHandle(hz, quorum, timeout == null ? 5000 : Long.parseLong(timeout.trim()));
  }

  /**
   * This node's id: the Hazelcast member UUID (not Vert.x's own node id, a member attribute), so it
   * can be matched against membership events and member lists. Read each time: a member that
   * rejoins after a network split gets a new UUID.
   */
  public String nodeId() {
    return hazelcast.getCluster().getLocalMember().getUuid().toString();
  }

  /**
   * The cluster's time (ms): this node's clock corrected to the master's, as Hazelcast keeps it from
   * the master's heartbeats. Every time that is stored or ordered (a message's {@code ts}, history
   * retention, presence and membership versions) is read here, so a node whose clock is off by an
   * hour stamps the same times as the others (docs/protocol.md, "Time").
   */
  public long now() {
    return hazelcast.getCluster().getClusterTime();
  }

  /** Hazelcast's split-brain protection of the channel logs, when {@link #quorum} is over 1. */
  public static final String QUORUM = "herald-majority";

  /**
   * How recently a member must have sent a heartbeat to count towards {@link #quorum}: three
   * heartbeats (one a second), well under failure detection (10 s). A member list lags: a master cut
   * off from the others removes them one at a time (3, then 2, then 1), and a count of members
   * would say "majority" in between; heartbeats stop at once.
   */
  public static final long QUORUM_TOLERANCE_MS = 3000;

  /**
   * True while this node is on the majority side of any split: at least {@link #quorum} members
   * (itself included) sent it a heartbeat in the last {@value #QUORUM_TOLERANCE_MS} ms (Hazelcast's
   * recently-active split-brain protection, the one that guards channel writes), and its member
   * list still holds that many.
   */
  public boolean hasQuorum() {
    if (hazelcast.getCluster().getMembers().size() < quorum) {
      return false;
    }
    if (quorum <= 1) {
      return true;
    }
    var protection = hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(QUORUM);
    return protection.hasMinimumSize();
  }

  /**
   * Where {@code key} lives: the addresses ({@code host:port}) of its partition's owner, then its
   * backups, as this member's partition table says (the owner first; a replica not assigned yet is
   * left out). For operators and the chaos suite, which cuts the owner of a channel, or its owner
   * and backup together. Hazelcast's public API names the owner only; the backups come from its
   * internal partition table.
   */
  public java.util.List<String> replicas(Object key) {
    int partition = hazelcast.getPartitionService().getPartition(key).getPartitionId();
    com.hazelcast.instance.impl.HazelcastInstanceImpl impl = hazelcast instanceof com.hazelcast.instance.impl.HazelcastInstanceProxy proxy
        ? proxy.getOriginal() : (com.hazelcast.instance.impl.HazelcastInstanceImpl) hazelcast;
    var table = impl.node.getPartitionService().getPartition(partition);
    java.util.List<String> out = new ArrayList<>();
    for (int i = 0; i <= 6; i++) {
      var replica = table.getReplica(i);
      if (replica != null) {
        out.add(replica.address().getHost() + ":" + replica.address().getPort());
      }
    }
    return out;
  }

  /** The members now: pass it to {@link #unconfirmed} when the write it came before completes. */
  public Set<Member> members() {
    return hazelcast.getCluster().getMembers();
  }

  /**
   * Why a write with one synchronous backup that completed {@code elapsedMs} after it was sent,
   * when {@code before} were the members, is not proof that two members hold it; null when it is.
   * Hazelcast completes such a write without its backup's ack in three cases, each caught here:
   * a member left meanwhile (it credits one backup ack to every pending call, whichever member
   * held the backup); the backup ack did not come within {@code hazelcast.operation.backup.timeout.millis}
   * (it completes anyway); this node lost the majority (its copy loses when the sides merge).
   */
  public String unconfirmed(Set<Member> before, long elapsedMs) {
    if (!hazelcast.getCluster().getMembers().containsAll(before)) {
      return "a member left while the write waited for its backup";
    }
    if (elapsedMs >= backupTimeoutMs) {
      return "the backup did not acknowledge the write in " + backupTimeoutMs + " ms";
    }
    if (!hasQuorum()) {
      return "this node is cut off from the majority of the cluster";
    }
    return null;
  }

  /**
   * Splits a batch keyed by map key into the batches to run an entry processor on, one call each.
   * A call on many keys ({@code submitToKeys}) is one operation per partition, but each of their
   * backups carries the processor whole: a processor holding the whole batch would send every
   * partition's backup every key's arguments. So with another member to hold backups, one batch
   * per partition; alone, the whole batch in one call (measured: half the CPU per connect of one
   * call per partition, docs/benchmarks-log.md "Connection cost"; a gateway's batch is at most a few
   * hundred keys, so the cost {@link #onKeys} avoids stays small).
   */
  public <V> Collection<Map<String, V>> byPartition(Map<String, V> batch) {
    if (hazelcast.getCluster().getMembers().size() == 1) {
      return List.of(batch);
    }
    PartitionService partitions = hazelcast.getPartitionService();
    Map<Integer, Map<String, V>> out = new HashMap<>();
    batch.forEach((key, value) -> out.computeIfAbsent(partitions.getPartition(key).getPartitionId(), p -> new LinkedHashMap<>()).put(key, value));
    return out.values();
  }

  /**
   * Runs {@code op} on {@code keys}, one call per partition; completes on {@code context} with each
   * key's result. Not one {@code submitToKeys} (or {@code executeOnKeys}) with every key: Hazelcast
   * 5.3 hands each partition's operation the whole key set, and each hashes every key to skip those
   * of other partitions (its {@code MultipleEntryOperationFactory}): partitions times keys on the
   * partition threads, 2.7 million hashes for a cleanup of 10 000 records (docs/benchmarks-log.md,
   * "What a storm onto two nodes costs"). If a call fails, the others' keys were changed all the
   * same: it fails with {@link PartlyApplied}, which carries their results.
   */
  public <V, R> Future<Map<String, R>> onKeys(IMap<String, V> map, Collection<String> keys, EntryProcessor<String, V, R> op, Context context) {
    PartitionService partitions = hazelcast.getPartitionService();
    Map<Integer, Set<String>> byPartition = new HashMap<>();
    keys.forEach(key -> byPartition.computeIfAbsent(partitions.getPartition(key).getPartitionId(), p -> new HashSet<>()).add(key));
    List<Future<Map<String, R>>> calls = new ArrayList<>(byPartition.size());
    byPartition.values().forEach(part -> calls.add(future(map.submitToKeys(part, op), context)));
    return Future.join(calls).transform(done -> {
      Map<String, R> results = new HashMap<>();
      calls.stream().filter(Future::succeeded).forEach(call -> results.putAll(call.result()));
      return done.succeeded() ? Future.succeededFuture(results) : Future.failedFuture(new PartlyApplied(results, done.cause()));
    });
  }

  /** Some calls of {@link #onKeys} failed: the results of those that did not, by key. */
  public static final class PartlyApplied extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Map<String, ?> applied;

    PartlyApplied(Map<String, ?> applied, Throwable cause) {
      super("applied to " + applied.size() + " keys, failed for the rest: " + cause, cause);
      this.applied = applied;
    }

    /** What {@code failure} leaves applied: its results if it is a {@link PartlyApplied} of {@code onKeys}, else none. */
    @SuppressWarnings("unchecked")
    public static <R> Map<String, R> appliedBy(Throwable failure) {
      return failure instanceof PartlyApplied p ? (Map<String, R>) p.applied : Map.of();
    }
  }

  /**
   * A Hazelcast operation's result as a Vert.x future whose callbacks run on {@code context}.
   * Not {@code Future.fromCompletionStage}: its {@code whenComplete} makes Hazelcast hand the
   * callback to its default async executor, which on a machine of two cores or fewer (common-pool
   * parallelism 1) starts a new thread for every callback. Here the completing Hazelcast thread
   * only completes the promise, and Vert.x moves the rest onto the context.
   */
  public static <T> Future<T> future(CompletionStage<T> stage, Context context) {
    Promise<T> promise = ((ContextInternal) context).promise();
    stage.whenCompleteAsync((value, failure) -> {
      if (failure != null) {
        promise.fail(failure);
      } else {
        promise.complete(value);
      }
    }, Runnable::run);
    return promise.future();
  }

  /** True when no partition is migrating and every backup is in place: losing one member now loses nothing. */
  public boolean isSafe() {
    return hazelcast.getPartitionService().isClusterSafe();
  }

  /** Entries in the clustered event bus's registration map ({@code __vertx.subs}), cluster-wide. */
  public int busRegistrations() {
    return hazelcast.getMultiMap(Structures.VERTX_SUBS).size();
  }

  /** True when this node is the oldest member: the one that cleans up after members that left. */
  public boolean isOldest() {
    return hazelcast.getCluster().getMembers().iterator().next().localMember();
  }
}
