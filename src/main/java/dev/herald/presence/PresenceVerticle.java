package dev.herald.presence;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.map.IMap;
import dev.herald.ClusterHandle;
import dev.herald.bus.Addresses;
import dev.herald.bus.ErrorCode;
import dev.herald.bus.Headers;
import dev.herald.bus.Names;
import dev.herald.config.PresenceConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Who is online, cluster-wide. Records live in the Hazelcast map {@value #MAP}, changed only by
 * {@link PresenceOp} entry processors, so changes from every node apply atomically per user.
 * The node whose change altered a user's visible status publishes the event on
 * {@code rt.presence.user.<user>}.
 *
 * <p>When a member leaves, the oldest surviving member removes the connections it held and
 * publishes the offline events; it also re-checks every {@code presence.reconcileSeconds}, so a
 * cleanup missed (the oldest dying at the same time) is made up for.
 */
public final class PresenceVerticle extends VerticleBase {

  public static final String MAP = "herald.presence";
  private static final Logger LOG = LoggerFactory.getLogger(PresenceVerticle.class);
  private static final String RECONCILER_KEY = "presence.reconciler";

  private final PresenceConfig config;
  private final ClusterHandle cluster;
  private IMap<String, PresenceRecord> map;
  private UUID membershipListener;
  private final String instanceId = UUID.randomUUID().toString();

  public PresenceVerticle(PresenceConfig config, ClusterHandle cluster) {
    this.config = config;
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    map = cluster.hazelcast().getMap(MAP);
    // one instance per node watches membership and reconciles
    if (vertx.sharedData().getLocalMap("herald.node").putIfAbsent(RECONCILER_KEY, instanceId) == null) {
      membershipListener = cluster.hazelcast().getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent e) {
        }

        @Override
        public void memberRemoved(MembershipEvent e) {
          // a Hazelcast thread: hop onto this verticle's context
          context.runOnContext(v -> onMemberLeft(e.getMember()));
        }
      });
      vertx.setPeriodic(config.reconcileSeconds() * 1000L, id -> reconcile());
    }
    var eb = vertx.eventBus();
    return Future.join(
        eb.<Object>consumer(Addresses.PRESENCE_SET, this::onSet).completion(),
        eb.<Object>consumer(Addresses.PRESENCE_GET, this::onGet).completion(),
        eb.<JsonObject>consumer(Addresses.PRESENCE_CONNECT, this::onConnect).completion(),
        eb.<JsonObject>consumer(Addresses.PRESENCE_DISCONNECT, this::onDisconnect).completion());
  }

  @Override
  public Future<?> stop() {
    if (membershipListener != null) {
      vertx.sharedData().getLocalMap("herald.node").remove(RECONCILER_KEY, instanceId);
      cluster.hazelcast().getCluster().removeMembershipListener(membershipListener);
    }
    return Future.succeededFuture();
  }

  private void onSet(Message<Object> msg) {
    String user = msg.headers().get(Headers.USER_ID);
    Status status = msg.body() instanceof JsonObject b ? Status.settable(b.getValue("status")) : null;
    if (status == null) {
      ErrorCode.BAD_REQUEST.fail(msg, "body must be {\"status\": \"online\" | \"busy\" | \"away\"}");
      return;
    }
    if (!Names.isUserId(user)) {
      ErrorCode.BAD_REQUEST.fail(msg, "no user on this request");
      return;
    }
    apply(user, PresenceOp.choose(status, System.currentTimeMillis())).onComplete(ar -> {
      if (ar.failed()) {
        ErrorCode.UNAVAILABLE.fail(msg, ar.cause().getMessage());
        return;
      }
      PresenceRecord r = ar.result().next();
      msg.reply(new JsonObject().put("status", r.status().wire()).put("since", r.since()));
    });
  }

  private void onGet(Message<Object> msg) {
    Set<String> users = usersOf(msg.body());
    if (users == null) {
      ErrorCode.BAD_REQUEST.fail(msg, "body must be {\"users\": [user ids]} with 1 to " + PresenceConfig.MAX_GET_USERS + " valid ids");
      return;
    }
    vertx.executeBlocking(() -> map.getAll(users)).onComplete(ar -> {
      if (ar.failed()) {
        ErrorCode.UNAVAILABLE.fail(msg, ar.cause().getMessage());
        return;
      }
      JsonObject out = new JsonObject();
      for (String u : users) {
        PresenceRecord r = ar.result().get(u);
        out.put(u, (r != null ? r : PresenceRecord.absent(u)).toJson());
      }
      msg.reply(new JsonObject().put("users", out));
    });
  }

  static Set<String> usersOf(Object body) {
    if (!(body instanceof JsonObject b) || !(b.getValue("users") instanceof JsonArray arr)
        || arr.isEmpty() || arr.size() > PresenceConfig.MAX_GET_USERS) {
      return null;
    }
    Set<String> users = new LinkedHashSet<>();
    for (Object o : arr) {
      if (!(o instanceof String s) || !Names.isUserId(s)) {
        return null;
      }
      users.add(s);
    }
    return users;
  }

  private void onConnect(Message<JsonObject> msg) {
    JsonObject b = msg.body();
    String user = b.getString("userId");
    apply(user, PresenceOp.connect(b.getString("connId"), b.getString("nodeId"), System.currentTimeMillis()))
        .onComplete(ar -> reply(msg, ar.failed() ? ar.cause() : null));
  }

  private void onDisconnect(Message<JsonObject> msg) {
    JsonObject b = msg.body();
    apply(b.getString("userId"), PresenceOp.disconnect(b.getString("connId"), System.currentTimeMillis()))
        .onComplete(ar -> reply(msg, ar.failed() ? ar.cause() : null));
  }

  private static void reply(Message<?> msg, Throwable failure) {
    if (failure == null) {
      msg.reply(null);
    } else {
      ErrorCode.UNAVAILABLE.fail(msg, failure.getMessage());
    }
  }

  /** Applies one change atomically and publishes the event when the visible status changed. */
  private Future<PresenceRecord.Change> apply(String user, PresenceOp op) {
    return Future.fromCompletionStage(map.submitToKey(user, op), context).onSuccess(this::publish);
  }

  private void publish(PresenceRecord.Change change) {
    if (change.changed()) {
      vertx.eventBus().publish(Addresses.presenceUser(change.next().userId()), change.event());
    }
  }

  private void onMemberLeft(Member gone) {
    if (!cluster.isOldest()) {
      return;
    }
    String id = gone.getUuid().toString();
    LOG.info("member {} left; removing its connections from presence", id);
    applyToAll(PresenceOp.dropNodes(Set.of(id), System.currentTimeMillis()), new OnNodes(Set.of(id), false));
  }

  /** On the oldest member: drops connections held by nodes that are no longer members. */
  private void reconcile() {
    if (!cluster.isOldest()) {
      return;
    }
    Set<String> alive = cluster.hazelcast().getCluster().getMembers().stream()
        .map(m -> m.getUuid().toString()).collect(Collectors.toSet());
    applyToAll(PresenceOp.keepNodes(alive, System.currentTimeMillis()), new OnNodes(alive, true));
  }

  private void applyToAll(PresenceOp op, OnNodes which) {
    vertx.executeBlocking(() -> map.executeOnEntries(op, which)).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("presence cleanup failed: {}", ar.cause().toString());
        return;
      }
      Map<String, PresenceRecord.Change> changes = ar.result();
      int offline = 0;
      for (PresenceRecord.Change c : changes.values()) {
        publish(c);
        offline += c.changed() ? 1 : 0;
      }
      if (!changes.isEmpty()) {
        LOG.info("presence cleanup: {} users touched, {} went offline", changes.size(), offline);
      }
    });
  }
}
