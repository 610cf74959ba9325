package dev.herald.gateway.bridge;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What a gateway does when the cluster forgot part of it, as Hazelcast tells (on its own threads;
 * the bridge is called on the gateway's context):
 * <ul>
 *   <li>this node merged back after a network split: count its connections again ({@link Rejoin#recount});</li>
 *   <li>another member merged back (a new member id, the Vert.x node id of one that left): register
 *       this node's consumers again, so that member learns where they are ({@link Rejoin#reregister});</li>
 *   <li>a partition lost every copy (its owner and backup died together): count again, once for a burst.</li>
 * </ul>
 */
public final class ClusterWatch {

  /** The member attribute where Vert.x's Hazelcast cluster manager keeps its node id. */
  private static final String VERTX_NODE_ID = "__vertx.nodeId";

  private final HazelcastInstance hazelcast;
  private final UUID merge;
  private final UUID members;
  private final UUID losses;
  /** The Vert.x node ids of the last members that left: one that joins again was cut off, not restarted (a restart has a new id). */
  private final Set<String> left = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > 1000;
    }
  }));
  private boolean recountDue;

  public ClusterWatch(Vertx vertx, Context context, HazelcastInstance hazelcast, Rejoin rejoin) {
    this.hazelcast = hazelcast;
    merge = hazelcast.getLifecycleService().addLifecycleListener(e -> {
      if (e.getState() == LifecycleEvent.LifecycleState.MERGED) {
        context.runOnContext(v -> rejoin.recount("rejoined the cluster after a network split"));
      }
    });
    members = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        String vertxId = e.getMember().getAttribute(VERTX_NODE_ID);
        if (vertxId != null && left.remove(vertxId)) {
          context.runOnContext(v -> rejoin.reregister("member " + e.getMember().getAddress() + " came back after a network split"));
        }
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        String vertxId = e.getMember().getAttribute(VERTX_NODE_ID);
        if (vertxId != null) {
          left.add(vertxId);
        }
      }
    });
    losses = hazelcast.getPartitionService().addPartitionLostListener(e -> {
      if (e.getLostBackupCount() >= 1) {
        context.runOnContext(v -> {
          if (!recountDue) {
            recountDue = true;
            vertx.setTimer(1000, t -> {
              recountDue = false;
              rejoin.recount("partitions lost every copy (two members died at once)");
            });
          }
        });
      }
    });
  }

  public void close() {
    hazelcast.getLifecycleService().removeLifecycleListener(merge);
    hazelcast.getCluster().removeMembershipListener(members);
    hazelcast.getPartitionService().removePartitionLostListener(losses);
  }
}
