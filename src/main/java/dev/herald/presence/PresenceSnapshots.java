package dev.herald.presence;

import dev.herald.bus.Webhooks;
import com.hazelcast.map.IMap;
import dev.herald.cluster.ClusterHandle;
import dev.herald.cluster.Structures;
import dev.herald.protocol.WebhookEvents;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The reconciliation snapshot (docs/protocol.md, "Webhooks"): every {@code webhook.snapshotSeconds}
 * of the cluster's time, one node sends {@code presence.snapshot}, every user online with their
 * status and presence version, in parts of at most {@value #PART} users. Each presence node tries
 * at each round; the first to claim the round in {@link Structures#SNAPSHOTS} sends it, so a round
 * is sent once whichever nodes run, and still sent when one dies. A receiver that lost events
 * replaces what it knows with the snapshot (older versions than it has are its own to keep).
 */
public final class PresenceSnapshots extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PresenceSnapshots.class);
  /** Users in one snapshot event. */
  static final int PART = 5000;

  private final int seconds;
  private final ClusterHandle cluster;
  private final String node;

  public PresenceSnapshots(int seconds, ClusterHandle cluster, String node) {
    this.seconds = seconds;
    this.cluster = cluster;
    this.node = node;
  }

  /** A user online as the snapshot lists them. */
  record Snapshotted(String userId, String status, long version) implements java.io.Serializable {
  }

  /** Projects an online record to what the snapshot says of it, where it is stored. */
  static final class Snap implements com.hazelcast.projection.Projection<Map.Entry<String, PresenceRecord>, Snapshotted> {
    private static final long serialVersionUID = 1L;

    @Override
    public Snapshotted transform(Map.Entry<String, PresenceRecord> e) {
      return new Snapshotted(e.getKey(), e.getValue().status().wire(), e.getValue().version());
    }
  }

  @Override
  public Future<?> start() {
    if (seconds > 0) {
      scheduleNext();
    }
    return Future.succeededFuture();
  }

  private void scheduleNext() {
    long period = seconds * 1000L;
    long wait = period - Math.floorMod(cluster.now(), period);
    vertx.setTimer(Math.max(1, wait), id -> {
      round(cluster.now() / period);
      scheduleNext();
    });
  }

  private void round(long round) {
    IMap<String, String> claims = cluster.hazelcast().getMap(Structures.SNAPSHOTS);
    String key = "presence-" + round;
    vertx.executeBlocking(() -> {
      // a side cut off from the majority sends nothing: its view is partial, and both sides would claim the round
      if (!cluster.hasQuorum() || claims.putIfAbsent(key, node, 2L * seconds, TimeUnit.SECONDS) != null) {
        return null; // another node sends this round
      }
      long takenAt = cluster.now(); // before the read: whoever connects after it may be missing, and is newer than it
      IMap<String, PresenceRecord> presence = cluster.hazelcast().getMap(PresenceVerticle.MAP);
      List<Snapshotted> online = new ArrayList<>(presence.project(new Snap(), new PresenceVerticle.Connected()));
      online.sort(Comparator.comparing(Snapshotted::userId));
      return new Taken(takenAt, online);
    }, false).onSuccess(taken -> {
      if (taken != null) {
        send(round, taken.at(), taken.online());
      }
    }).onFailure(e -> LOG.warn("presence snapshot {} not sent: {}", round, e.toString()));
  }

  private record Taken(long at, List<Snapshotted> online) {
  }

  private void send(long round, long takenAt, Collection<Snapshotted> online) {
    List<Snapshotted> all = List.copyOf(online);
    int parts = Math.max(1, (all.size() + PART - 1) / PART);
    for (int part = 0; part < parts; part++) {
      JsonArray users = new JsonArray();
      for (Snapshotted s : all.subList(part * PART, Math.min(all.size(), (part + 1) * PART))) {
        users.add(new JsonObject().put("userId", s.userId()).put("status", s.status()).put("version", s.version()));
      }
      JsonObject data = new JsonObject().put("round", round).put("takenAt", takenAt).put("part", part + 1).put("parts", parts)
          .put("online", all.size()).put("users", users);
      Webhooks.raise(vertx, WebhookEvents.PRESENCE_SNAPSHOT, data, node, null, round + "/" + (part + 1));
    }
    LOG.debug("presence snapshot {}: {} users online in {} parts", round, all.size(), parts);
  }
}
