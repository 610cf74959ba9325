package dev.herald.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.herald.observability.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Cleans a map of {@link HeldConnections} after nodes that are gone. When a member leaves, the
 * oldest surviving member removes the connections it held and publishes what each change causes
 * once. It re-checks every {@code reconcileSeconds} against the live member list, so a cleanup
 * that was missed (the oldest member dying at the same moment) is made up for; that check replaces
 * a per-connection TTL, which would cost a refresh write per connection per period for what the
 * member list already tells. A node without a majority ({@link ClusterHandle#hasQuorum}) cleans
 * nothing: on the small side of a split the others are unreachable, not gone. Cleanups run one
 * at a time, and publish their changes a slice per event-loop turn. Deployed once per node; each
 * feature that keeps connections (presence, channel membership) has its own.
 */
public abstract class Janitor extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(Janitor.class);

  protected final ClusterHandle cluster;
  private final int reconcileSeconds;
  private UUID listener;
  private Counter runs;

  protected Janitor(ClusterHandle cluster, int reconcileSeconds) {
    this.cluster = cluster;
    this.reconcileSeconds = reconcileSeconds;
  }

  /**
   * Changes published per event-loop turn: a cleanup after a node with 10 000 connections has
   * 10 000 changes to publish (events, webhooks, occupancy), which in one go would hold the loop
   * while that node's clients reconnect here.
   */
  static final int PUBLISH_SLICE = 500;

  private final OneAtATime cleanups = new OneAtATime();

  /**
   * Drops connections on {@code nodes} ({@code alive} false), or on any node not in {@code nodes}
   * ({@code alive} true); completes once its changes are published.
   */
  protected abstract Future<Void> clean(Set<String> nodes, boolean alive);

  @Override
  public Future<?> start() {
    runs = Metrics.counter(vertx, "herald_janitor_runs", "cleanup runs finished by this node (it runs them while it is the oldest member)",
        "janitor", getClass().getSimpleName());
    listener = cluster.hazelcast().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        // called on a Hazelcast thread: hop onto this verticle's context
        String gone = e.getMember().getUuid().toString();
        context.runOnContext(v -> onMemberLeft(gone));
      }
    });
    vertx.setPeriodic(reconcileSeconds * 1000L, id -> reconcile());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    cluster.hazelcast().getCluster().removeMembershipListener(listener);
    return Future.succeededFuture();
  }

  private void onMemberLeft(String gone) {
    // on the small side of a split the others are not gone, only unreachable: their users stay
    if (cluster.isOldest() && cluster.hasQuorum()) {
      LOG.info("member {} left: {} removes its connections", gone, getClass().getSimpleName());
      cleanups.queue(() -> clean(Set.of(gone), false));
    }
  }

  /**
   * The safety net, skipped while a cleanup is under way: run beside it, it found the records that
   * cleanup had not reached yet and ran on them a second time (seen in a failover bench run: 7 530
   * of the dead node's 10 000), work the next check does only if something was missed.
   */
  private void reconcile() {
    if (cluster.isOldest() && cluster.hasQuorum()) {
      cleanups.ifIdle(() -> clean(cluster.hazelcast().getCluster().getMembers().stream().map(m -> m.getUuid().toString()).collect(Collectors.toSet()), true));
    }
  }

  /**
   * Runs {@code op} on the records of {@code map} holding a connection on the chosen nodes, then
   * {@code publish} with the changes (record key to what changed), {@value #PUBLISH_SLICE} at a time.
   */
  protected <V extends HeldConnections, R> Future<Void> run(String what, IMap<String, V> map, EntryProcessor<String, V, R> op,
                                                            Set<String> nodes, boolean alive, Consumer<Map<String, R>> publish) {
    OnNodes<V> which = new OnNodes<>(nodes, alive);
    // a query first: it reads the stored records as they are (OBJECT format), where an entry
    // processor over the whole map would copy every record before testing the predicate; the
    // processor then runs on the few that matched, and re-checks each against its current state
    // what changed is published even when some partitions failed (the next check retries those)
    return vertx.executeBlocking(() -> map.keySet(which), false)
        .compose(stale -> stale.isEmpty() ? Future.succeededFuture(Map.<String, R>of()) : cluster.onKeys(map, stale, op, context))
        .transform(ar -> {
          Map<String, R> changes = ar.succeeded() ? ar.result() : ClusterHandle.PartlyApplied.appliedBy(ar.cause());
          return publish(List.copyOf(changes.entrySet()), 0, publish).onSuccess(v -> {
            if (!changes.isEmpty()) {
              LOG.info("{} cleanup: {} entries changed", what, changes.size());
            }
            if (ar.succeeded()) {
              runs.increment();
            } else {
              LOG.warn("{} cleanup failed: {}", what, ar.cause().toString());
            }
          });
        });
  }

  /** Publishes a slice of the changes from {@code from}, and the rest after this event-loop turn (a timer: queued behind I/O). */
  private <R> Future<Void> publish(List<Map.Entry<String, R>> changes, int from, Consumer<Map<String, R>> publish) {
    int to = Math.min(changes.size(), from + PUBLISH_SLICE);
    Map<String, R> slice = new LinkedHashMap<>();
    changes.subList(from, to).forEach(e -> slice.put(e.getKey(), e.getValue()));
    publish.accept(slice);
    if (to == changes.size()) {
      return Future.succeededFuture();
    }
    Promise<Void> rest = Promise.promise();
    vertx.setTimer(1, id -> publish(changes, to, publish).onComplete(rest));
    return rest.future();
  }
}
