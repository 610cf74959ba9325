package dev.herald.gateway;

import dev.herald.protocol.Addresses;
import dev.herald.protocol.Headers;
import dev.herald.protocol.Requests;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Tells the presence services what this gateway's connections do: a connection opened or closed,
 * joined or left a channel. A leave is sent only after its join was counted, so it can never
 * overtake it on the way to a service on another node.
 */
final class MembershipLink {

  private static final Logger LOG = LoggerFactory.getLogger(MembershipLink.class);

  private final EventBus eventBus;
  /** This node's id, read at each use: it changes when the node rejoins after a split. */
  private final Supplier<String> nodeId;
  private final DeliveryOptions options;

  MembershipLink(EventBus eventBus, Supplier<String> nodeId, long timeoutMs) {
    this.eventBus = eventBus;
    this.nodeId = nodeId;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /**
   * Counts a new connection in presence; completes (never fails) once presence has it or is
   * unavailable. A request that timed out may still have been applied, so unless no presence
   * service exists at all, the connection is treated as counted and its close will be reported.
   * If the connection closed meanwhile, it leaves at once.
   */
  Future<Void> joinPresence(Connection c) {
    JsonObject who = new JsonObject().put("userId", c.principal.userId()).put("connId", c.id).put("nodeId", nodeId.get());
    return Requests.localFirst(eventBus, Addresses.PRESENCE_CONNECT, who, traced(c)).transform(ar -> {
      boolean noService = ar.failed() && ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
      c.presence = noService ? Connection.Presence.NONE : Connection.Presence.JOINED;
      if (noService) {
        LOG.debug("no presence service: connection {} of {} is not counted", c.id, c.principal.userId());
      } else if (ar.failed()) {
        LOG.warn("presence did not confirm connection {} of {}: {}", c.id, c.principal.userId(), ar.cause().getMessage());
      }
      if (c.closed) {
        leavePresence(c);
      }
      return Future.succeededFuture();
    });
  }

  /** The connection's id is the trace id of what it causes outside a request (presence, webhooks). */
  private DeliveryOptions traced(Connection c) {
    return new DeliveryOptions(options).addHeader(Headers.TRACE_ID, c.id);
  }

  /** Tells presence the connection is gone, once, and only if it was counted. */
  Future<Void> leavePresence(Connection c) {
    if (c.presence != Connection.Presence.JOINED) {
      return Future.succeededFuture();
    }
    c.presence = Connection.Presence.LEFT;
    JsonObject who = new JsonObject().put("userId", c.principal.userId()).put("connId", c.id);
    return Requests.localFirst(eventBus, Addresses.PRESENCE_DISCONNECT, who, traced(c)).mapEmpty();
  }

  /** Subscribing to a channel makes the user a member of it. */
  /** Counts the connection as a member of {@code channel}; completes (never fails) once the membership service answered. */
  Future<Void> joinChannel(Connection c, String channel) {
    Future<Void> joined = Requests.localFirst(eventBus, Addresses.MEMBERS_JOIN, member(c, channel).put("nodeId", nodeId.get()), options).mapEmpty();
    c.channels().put(channel, joined);
    return joined.otherwiseEmpty();
  }

  /** Ends the membership once its join has been counted (a leave must not overtake its join). */
  Future<Void> leaveChannel(Connection c, String channel) {
    Future<Void> joined = c.channels == null ? null : c.channels.remove(channel);
    if (joined == null) {
      return Future.succeededFuture();
    }
    return joined.transform(ar -> ar.succeeded()
        ? Requests.localFirst(eventBus, Addresses.MEMBERS_LEAVE, member(c, channel), options).mapEmpty()
        : Future.succeededFuture());
  }

  private static JsonObject member(Connection c, String channel) {
    return new JsonObject().put("channel", channel).put("userId", c.principal.userId()).put("connId", c.id);
  }

  /** Takes a closed connection out of every channel and out of presence. */
  Future<Void> leaveAll(Connection c) {
    List<Future<Void>> left = new ArrayList<>();
    if (c.channels != null) {
      for (String channel : List.copyOf(c.channels.keySet())) {
        left.add(leaveChannel(c, channel));
      }
    }
    left.add(leavePresence(c));
    return Future.join(left).mapEmpty();
  }
}
