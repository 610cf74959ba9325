package dev.herald.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.herald.observability.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * Cleans a map of {@link HeldConnections} after nodes that are gone. When a member leaves, the
 * oldest surviving member removes the connections it held and publishes what each change causes
 * once. It re-checks every {@code reconcileSeconds} against the live member list, so a cleanup
 * that was missed (the oldest member dying at the same moment) is made up for; that check replaces
 * a per-connection TTL, which would cost a refresh write per connection per period for what the
 * member list already tells. A node without a majority ({@link ClusterHandle#hasQuorum}) cleans
 * nothing: on the small side of a split the others are unreachable, not gone. Deployed once per node; each feature that keeps connections
 * (presence, channel membership) has its own.
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

  /** Drops connections on {@code nodes} ({@code alive} false), or on any node not in {@code nodes} ({@code alive} true). */
  protected abstract void clean(Set<String> nodes, boolean alive);

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
      clean(Set.of(gone), false);
    }
  }

  private void reconcile() {
    if (cluster.isOldest() && cluster.hasQuorum()) {
      clean(cluster.hazelcast().getCluster().getMembers().stream().map(m -> m.getUuid().toString()).collect(Collectors.toSet()), true);
    }
  }

  /**
   * Runs {@code op} on the records of {@code map} holding a connection on the chosen nodes, then
   * {@code publish} for each change.
   */
  protected <V extends HeldConnections, R> void run(String what, IMap<String, V> map, EntryProcessor<String, V, R> op,
                                                    Set<String> nodes, boolean alive, BiConsumer<String, R> publish) {
    OnNodes<V> which = new OnNodes<>(nodes, alive);
    // a query first: it reads the stored records as they are (OBJECT format), where an entry
    // processor over the whole map would copy every record before testing the predicate; the
    // processor then runs on the few that matched, and re-checks each against its current state
    vertx.executeBlocking(() -> {
      Set<String> stale = map.keySet(which);
      return stale.isEmpty() ? Map.<String, R>of() : map.executeOnKeys(stale, op);
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("{} cleanup failed: {}", what, ar.cause().toString());
        return;
      }
      Map<String, R> changes = ar.result();
      changes.forEach(publish);
      if (!changes.isEmpty()) {
        LOG.info("{} cleanup: {} entries changed", what, changes.size());
      }
      runs.increment();
    });
  }
}
