package dev.herald.presence;

import dev.herald.bus.Guarded;
import dev.herald.bus.Listings;
import dev.herald.bus.Webhooks;
import dev.herald.cluster.Structures;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import dev.herald.cluster.ClusterHandle;
import dev.herald.cluster.KeyPrefix;
import dev.herald.protocol.message.AdminListing;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.message.GatewayBatch;
import dev.herald.protocol.Headers;
import dev.herald.protocol.WebhookEvents;
import dev.herald.protocol.message.PresenceQuery;
import dev.herald.protocol.message.PresenceSet;
import dev.herald.protocol.Names;
import dev.herald.protocol.Replies;
import dev.herald.config.PresenceConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.ArrayList;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Who is online, cluster-wide. Records live in the Hazelcast map {@value #MAP}, changed only by
 * {@link PresenceOp} entry processors, so changes from every node apply atomically per user.
 * The node whose change altered a user's visible status publishes the event on
 * {@code rt.presence.user.<user>} (through {@link Addresses#PRESENCE_EVENTS}, which every gateway
 * hands to its watchers). Connections of a node that died are removed by {@link PresenceJanitor}.
 */
public final class PresenceVerticle extends VerticleBase {

  public static final String MAP = Structures.PRESENCE;

  private final ClusterHandle cluster;
  private final String node;
  private final PresenceConfig config;
  private final boolean connectionWebhooks;
  private IMap<String, PresenceRecord> map;
  private PresenceEvents events;

  /** @param connectionWebhooks whether {@code webhook.events} asks for connection.open and connection.close */
  public PresenceVerticle(ClusterHandle cluster, String node, PresenceConfig config, boolean connectionWebhooks) {
    this.connectionWebhooks = connectionWebhooks;
    this.cluster = cluster;
    this.node = node;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    map = cluster.hazelcast().getMap(MAP);
    events = new PresenceEvents(vertx, node);
    var eb = vertx.eventBus();
    return Future.join(
        eb.<Object>consumer(Addresses.PRESENCE_SET, Guarded.handler(Addresses.PRESENCE_SET, this::onSet)).completion(),
        eb.<Object>consumer(Addresses.PRESENCE_GET, Guarded.handler(Addresses.PRESENCE_GET, this::onGet)).completion(),
        eb.<JsonObject>consumer(Addresses.PRESENCE_CONNECT, Guarded.handler(Addresses.PRESENCE_CONNECT, this::onConnect)).completion(),
        eb.<JsonObject>consumer(Addresses.PRESENCE_DISCONNECT, Guarded.handler(Addresses.PRESENCE_DISCONNECT, this::onDisconnect)).completion(),
        eb.<Object>consumer(Addresses.ADMIN_USERS, Guarded.handler(Addresses.ADMIN_USERS, this::onAdminList)).completion());
  }

  /**
   * The admin console's user list: users online (a live connection), with their status and
   * connection count ({@link AdminListing}); the records of users online whose id starts with the
   * prefix are selected and projected where they are stored, on a worker thread.
   */
  private void onAdminList(Message<Object> msg) {
    Listings.reply(vertx, msg, "users",
        listing -> List.copyOf(map.project(new Onlines(), Predicates.and(new KeyPrefix<>(listing.prefix()), new Connected()))), Online::userId,
        o -> new JsonObject().put("userId", o.userId()).put("status", o.status()).put("connections", o.connections()));
  }

  /** A user online, as the admin console lists it. */
  record Online(String userId, String status, int connections) implements java.io.Serializable {
  }

  /** Selects the records with a live connection: offline ones (kept for lastSeen) stay where they are. */
  static final class Connected implements Predicate<String, PresenceRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean apply(Map.Entry<String, PresenceRecord> e) {
      return e.getValue() != null && !e.getValue().connections().isEmpty();
    }
  }

  /** Projects a record of a user online to an {@link Online} where it is stored. */
  static final class Onlines implements com.hazelcast.projection.Projection<Map.Entry<String, PresenceRecord>, Online> {
    private static final long serialVersionUID = 1L;

    @Override
    public Online transform(Map.Entry<String, PresenceRecord> e) {
      PresenceRecord r = e.getValue();
      return new Online(r.userId(), r.status().wire(), r.connections().size());
    }
  }

  private void onSet(Message<Object> msg) {
    String user = msg.headers().get(Headers.USER_ID);
    Status status;
    try {
      status = Status.chosen(PresenceSet.fromJson(msg.body()));
    } catch (ReplyException e) {
      ErrorCode.refuse(msg, e);
      return;
    }
    if (!Names.isUserId(user)) {
      ErrorCode.BAD_REQUEST.fail(msg, "no user on this request");
      return;
    }
    apply(user, PresenceOp.choose(status, cluster.now()), msg).onComplete(ar -> {
      if (ar.failed()) {
        ErrorCode.UNAVAILABLE.fail(msg, ar.cause().getMessage());
        return;
      }
      PresenceRecord r = ar.result().next();
      msg.reply(new JsonObject().put("status", r.status().wire()).put("since", r.since()));
    });
  }

  private void onGet(Message<Object> msg) {
    Set<String> users;
    try {
      users = new LinkedHashSet<>(PresenceQuery.fromJson(msg.body()).users());
    } catch (ReplyException e) {
      ErrorCode.refuse(msg, e);
      return;
    }
    vertx.executeBlocking(() -> map.getAll(users), false).onComplete(ar -> {
      if (ar.failed()) {
        ErrorCode.UNAVAILABLE.fail(msg, ar.cause().getMessage());
        return;
      }
      JsonObject out = new JsonObject();
      for (String u : users) {
        PresenceRecord r = ar.result().get(u);
        out.put(u, (r != null ? r : PresenceRecord.absent(u)).view().toJson());
      }
      msg.reply(new JsonObject().put("users", out));
    });
  }

  private void onConnect(Message<JsonObject> msg) {
    long now = cluster.now();
    applyBatch(msg, (part, nodeId) -> PresenceOp.connect(part, nodeId, now), WebhookEvents.CONNECTION_OPEN);
  }

  private void onDisconnect(Message<JsonObject> msg) {
    long now = cluster.now();
    applyBatch(msg, (part, nodeId) -> PresenceOp.disconnect(part, now), WebhookEvents.CONNECTION_CLOSE);
  }

  /**
   * A gateway's connects or disconnects ({@link GatewayBatch}, by user): in as few Hazelcast calls
   * as backups allow ({@link ClusterHandle#byPartition}); each user's events carry its trace id.
   */
  private void applyBatch(Message<JsonObject> msg, BiFunction<Map<String, List<String>>, String, PresenceOp> opFor, String webhook) {
    GatewayBatch batch = GatewayBatch.read(msg, GatewayBatch.CONNECTIONS, GatewayBatch.Item::userId);
    List<Future<?>> parts = new ArrayList<>();
    for (Map<String, List<String>> part : cluster.byPartition(batch.connections())) {
      PresenceOp op = opFor.apply(part, batch.nodeId()).offlineFor(config.offlineRecordSeconds());
      parts.add(ClusterHandle.future(map.submitToKeys(part.keySet(), op), context)
          .onSuccess(changes -> changes.forEach((user, change) -> events.raise(change, batch.traces().get(user))))
          .onSuccess(changes -> {
            if (connectionWebhooks) {
              // one per connection, named by it (a connection opens and closes once): a receiver dedupes a repeat
              part.forEach((user, conns) -> conns.forEach(conn -> Webhooks.raise(vertx, webhook,
                  new JsonObject().put("userId", user).put("connId", conn).put("nodeId", batch.nodeId()), node, batch.traces().get(user), conn)));
            }
          }));
    }
    Future.all(parts).onComplete(ar -> Replies.ack(msg, ar));
  }

  /** Applies one change atomically, then publishes what it changed (client event, webhook). */
  private Future<PresenceRecord.Change> apply(String user, PresenceOp op, Message<?> cause) {
    String trace = cause.headers().get(Headers.TRACE_ID);
    return ClusterHandle.future(map.submitToKey(user, op.offlineFor(config.offlineRecordSeconds())), context)
        .onSuccess(change -> events.raise(change, trace));
  }
}
