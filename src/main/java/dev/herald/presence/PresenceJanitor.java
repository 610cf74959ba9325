package dev.herald.presence;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.herald.ClusterHandle;
import dev.herald.config.PresenceConfig;
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
 * Cleans up after nodes that are gone. When a member leaves, the oldest surviving member removes
 * the connections it held from presence and channel membership and publishes each resulting
 * {@code offline} and {@code leave} event once. It re-checks every {@code presence.reconcileSeconds}
 * against the live member list, so a cleanup that was missed (the oldest member dying at the
 * same moment) is made up for; that check replaces a per-connection TTL, which would cost a
 * refresh write per connection per period for what the member list already tells.
 * One instance per node does this work whatever the role's instance count.
 */
public final class PresenceJanitor extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PresenceJanitor.class);

  private final PresenceConfig config;
  private final ClusterHandle cluster;
  private final String node;
  private UUID listener;

  public PresenceJanitor(PresenceConfig config, ClusterHandle cluster, String node) {
    this.config = config;
    this.cluster = cluster;
    this.node = node;
  }

  @Override
  public Future<?> start() {
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
    vertx.setPeriodic(config.reconcileSeconds() * 1000L, id -> reconcile());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    cluster.hazelcast().getCluster().removeMembershipListener(listener);
    return Future.succeededFuture();
  }

  private void onMemberLeft(String gone) {
    if (cluster.isOldest()) {
      LOG.info("member {} left: removing its connections", gone);
      clean(Set.of(gone), false);
    }
  }

  private void reconcile() {
    if (cluster.isOldest()) {
      clean(cluster.hazelcast().getCluster().getMembers().stream().map(m -> m.getUuid().toString()).collect(Collectors.toSet()), true);
    }
  }

  /** Drops connections on {@code nodes} ({@code alive} false), or on any node not in {@code nodes} ({@code alive} true). */
  private void clean(Set<String> nodes, boolean alive) {
    long now = System.currentTimeMillis();
    IMap<String, PresenceRecord> presence = cluster.hazelcast().getMap(PresenceVerticle.MAP);
    IMap<String, Membership> members = cluster.hazelcast().getMap(ChannelMembersVerticle.MAP);
    run("presence", presence, (alive ? PresenceOp.keepNodes(nodes, now) : PresenceOp.dropNodes(nodes, now)).offlineFor(config.offlineRecordSeconds()), new OnNodes<>(nodes, alive),
        (user, c) -> PresenceEvents.presence(vertx, c, node, null));
    run("channel members", members, MembershipOp.nodes(nodes, alive), new OnNodes<>(nodes, alive),
        (key, c) -> PresenceEvents.membership(vertx, cluster, key, c, node, null));
  }

  private <V extends HeldConnections, R> void run(String what, IMap<String, V> map, EntryProcessor<String, V, R> op,
                                                  OnNodes<V> which, BiConsumer<String, R> publish) {
    // a query first: it reads the stored records as they are (OBJECT format), where an entry
    // processor over the whole map would copy every record before testing the predicate; the
    // processor then runs on the few that matched, and re-checks each against its current state
    vertx.executeBlocking(() -> {
      Set<String> stale = map.keySet(which);
      return stale.isEmpty() ? Map.<String, R>of() : map.executeOnKeys(stale, op);
    }).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("{} cleanup failed: {}", what, ar.cause().toString());
        return;
      }
      Map<String, R> changes = ar.result();
      changes.forEach(publish);
      if (!changes.isEmpty()) {
        LOG.info("{} cleanup: {} entries changed", what, changes.size());
      }
    });
  }
}
