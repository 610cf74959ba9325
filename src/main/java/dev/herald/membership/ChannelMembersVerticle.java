package dev.herald.membership;

import dev.herald.bus.Guarded;
import dev.herald.cluster.Structures;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import dev.herald.cluster.ClusterHandle;
import dev.herald.config.NamespacesConfig;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.message.GatewayBatch;
import dev.herald.protocol.Headers;
import dev.herald.protocol.message.ChannelQuery;
import dev.herald.protocol.Replies;
import dev.herald.bus.PresenceClient;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Who is in which channel. Subscribing a connection to {@code rt.channel.<name>} makes its user a
 * member (the gateway tells this verticle); {@code rt.members.<name>} gets {@code join} on the
 * user's first connection in the channel and {@code leave} on the last; {@code rt.channel.members}
 * answers the members with their presence status. Stored in the Hazelcast map {@value #MAP}, one
 * entry per (channel, user), indexed by channel.
 */
public final class ChannelMembersVerticle extends VerticleBase {

  public static final String MAP = Structures.MEMBERS;

  private final ClusterHandle cluster;
  private final String node;
  private final boolean joinWebhooks;
  private final NamespacesConfig namespaces;
  private IMap<String, Membership> map;

  /**
   * @param joinWebhooks whether {@code webhook.events} asks for channel.join and channel.leave
   * @param namespaces   which channels raise join and leave events
   */
  public ChannelMembersVerticle(ClusterHandle cluster, String node, boolean joinWebhooks, NamespacesConfig namespaces) {
    this.joinWebhooks = joinWebhooks;
    this.namespaces = namespaces;
    this.cluster = cluster;
    this.node = node;
  }

  @Override
  public Future<?> start() {
    map = cluster.hazelcast().getMap(MAP);
    var eb = vertx.eventBus();
    return Future.join(
        eb.<JsonObject>consumer(Addresses.MEMBERS_JOIN, Guarded.handler(Addresses.MEMBERS_JOIN, this::onJoin)).completion(),
        eb.<JsonObject>consumer(Addresses.MEMBERS_LEAVE, Guarded.handler(Addresses.MEMBERS_LEAVE, this::onLeave)).completion(),
        eb.<Object>consumer(Addresses.CHANNEL_MEMBERS, Guarded.handler(Addresses.CHANNEL_MEMBERS, this::onList)).completion());
  }

  private void onJoin(Message<JsonObject> msg) {
    applyBatch(msg, GatewayBatch.JOINS, (part, nodeId) -> MembershipOp.join(part, nodeId, cluster.now()));
  }

  private void onLeave(Message<JsonObject> msg) {
    applyBatch(msg, GatewayBatch.LEAVES, (part, nodeId) -> MembershipOp.leave(part));
  }

  /**
   * A gateway's joins or leaves ({@link GatewayBatch}, by membership key): in as few Hazelcast
   * calls as backups allow ({@link ClusterHandle#byPartition}); the events once every part is in,
   * with one occupancy update per channel for the whole batch ({@link MembershipEvents#memberships}).
   */
  private void applyBatch(Message<JsonObject> msg, String field, BiFunction<Map<String, List<String>>, String, MembershipOp> opFor) {
    GatewayBatch batch = GatewayBatch.read(msg, field, i -> Membership.key(i.channel(), i.userId()));
    List<Future<Map<String, Membership.Change>>> parts = new ArrayList<>();
    for (Map<String, List<String>> part : cluster.byPartition(batch.connections())) {
      parts.add(ClusterHandle.future(map.submitToKeys(part.keySet(), opFor.apply(part, batch.nodeId())), context));
    }
    Future.join(parts).onComplete(ar -> {
      Map<String, Membership.Change> changes = new LinkedHashMap<>();
      parts.stream().filter(Future::succeeded).forEach(p -> changes.putAll(p.result()));
      MembershipEvents.memberships(vertx, cluster, changes, node, batch.traces()::get, joinWebhooks, namespaces);
      Replies.ack(msg, ar);
    });
  }

  /** {@code {"channel"}}: {@code {"channel", "members": [{"userId", "status"}], "count"}}, sorted by user id. */
  private void onList(Message<Object> msg) {
    String channel;
    try {
      channel = ChannelQuery.fromJson(msg.body()).channel();
    } catch (io.vertx.core.eventbus.ReplyException e) {
      ErrorCode.refuse(msg, e);
      return;
    }
    vertx.executeBlocking(() -> {
      Set<String> users = new TreeSet<>();
      map.values(Predicates.equal("channel", channel)).forEach(m -> users.add(m.userId));
      return users;
    }, false).compose(users -> statuses(users, msg)).onComplete(ar -> {
      if (ar.succeeded()) {
        JsonArray list = new JsonArray();
        ar.result().forEach((u, status) -> list.add(new JsonObject().put("userId", u).put("status", status)));
        msg.reply(new JsonObject().put("channel", channel).put("members", list).put("count", list.size()));
      } else {
        ErrorCode.UNAVAILABLE.fail(msg, ar.cause().getMessage());
      }
    });
  }

  /** Each member's status, asked of the presence service ({@link PresenceClient#all}), in user id order. */
  private Future<Map<String, String>> statuses(Set<String> users, Message<?> cause) {
    DeliveryOptions opts = new DeliveryOptions().setSendTimeout(10_000);
    String trace = cause.headers().get(Headers.TRACE_ID);
    if (trace != null) {
      opts.addHeader(Headers.TRACE_ID, trace);
    }
    return new PresenceClient(vertx.eventBus()).all(List.copyOf(users), opts).map(found -> {
      Map<String, String> out = new TreeMap<>();
      found.forEach((user, presence) -> out.put(user, presence.getString("status")));
      return out;
    });
  }
}
