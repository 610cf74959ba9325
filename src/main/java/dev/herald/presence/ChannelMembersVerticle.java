package dev.herald.presence;

import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import dev.herald.ClusterHandle;
import dev.herald.bus.Addresses;
import dev.herald.bus.ErrorCode;
import dev.herald.bus.Names;
import dev.herald.bus.Replies;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is in which channel. Subscribing a connection to {@code rt.channel.<name>} makes its user a
 * member (the gateway tells this verticle); {@code rt.members.<name>} gets {@code join} on the
 * user's first connection in the channel and {@code leave} on the last; {@code rt.channel.members}
 * answers the members with their presence status. Stored in the Hazelcast map {@value #MAP}, one
 * entry per (channel, user), indexed by channel.
 */
public final class ChannelMembersVerticle extends VerticleBase {

  public static final String MAP = "herald.members";

  private final ClusterHandle cluster;
  private final String node;
  private IMap<String, Membership> map;
  private IMap<String, PresenceRecord> presence;

  public ChannelMembersVerticle(ClusterHandle cluster, String node) {
    this.cluster = cluster;
    this.node = node;
  }

  @Override
  public Future<?> start() {
    map = cluster.hazelcast().getMap(MAP);
    presence = cluster.hazelcast().getMap(PresenceVerticle.MAP);
    var eb = vertx.eventBus();
    return Future.join(
        eb.<JsonObject>consumer(Addresses.MEMBERS_JOIN, this::onJoin).completion(),
        eb.<JsonObject>consumer(Addresses.MEMBERS_LEAVE, this::onLeave).completion(),
        eb.<Object>consumer(Addresses.CHANNEL_MEMBERS, this::onList).completion());
  }

  private void onJoin(Message<JsonObject> msg) {
    JsonObject b = msg.body();
    String key = Membership.key(b.getString("channel"), b.getString("userId"));
    apply(key, MembershipOp.join(b.getString("channel"), b.getString("userId"), b.getString("connId"), b.getString("nodeId")), msg)
        .onComplete(ar -> Replies.ack(msg, ar));
  }

  private void onLeave(Message<JsonObject> msg) {
    JsonObject b = msg.body();
    apply(Membership.key(b.getString("channel"), b.getString("userId")), MembershipOp.leave(b.getString("connId")), msg)
        .onComplete(ar -> Replies.ack(msg, ar));
  }

  private Future<Membership.Change> apply(String key, MembershipOp op, Message<?> cause) {
    String trace = cause.headers().get(dev.herald.bus.Headers.TRACE_ID);
    return ClusterHandle.future(map.submitToKey(key, op), context)
        .onSuccess(c -> PresenceEvents.membership(vertx, cluster, key, c, node, trace));
  }

  /** {@code {"channel"}}: {@code {"channel", "members": [{"userId", "status"}], "count"}}, sorted by user id. */
  private void onList(Message<Object> msg) {
    String channel = msg.body() instanceof JsonObject b && b.getValue("channel") instanceof String c && Names.isChannel(c) ? c : null;
    if (channel == null) {
      ErrorCode.BAD_REQUEST.fail(msg, "body must be {\"channel\": \"<name>\"}");
      return;
    }
    vertx.executeBlocking(() -> {
      Collection<Membership> members = map.values(Predicates.equal("channel", channel));
      Set<String> users = new TreeSet<>();
      members.forEach(m -> users.add(m.userId));
      Map<String, PresenceRecord> statuses = presence.getAll(users);
      JsonArray list = new JsonArray();
      for (String u : users) {
        PresenceRecord p = statuses.get(u);
        list.add(new JsonObject().put("userId", u).put("status", (p != null ? p : PresenceRecord.absent(u)).status().wire()));
      }
      return new JsonObject().put("channel", channel).put("members", list).put("count", list.size());
    }).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        ErrorCode.UNAVAILABLE.fail(msg, ar.cause().getMessage());
      }
    });
  }
}
