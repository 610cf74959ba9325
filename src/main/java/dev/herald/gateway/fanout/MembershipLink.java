package dev.herald.gateway.fanout;

import dev.herald.gateway.connection.Connection;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.message.GatewayBatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
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
 * joined or left a channel, each kind in batches ({@link Batcher}): a storm of connects, or of
 * closes, is one request and one Hazelcast call per partition every few ms. A leave is sent only
 * after its join was counted, so it can never overtake it on the way to a service on another node.
 */
public final class MembershipLink {

  private static final Logger LOG = LoggerFactory.getLogger(MembershipLink.class);

  /** Each kind goes in batches of at most this many a request. */
  static final int MAX_BATCH = 512;

  private final Batcher connects;
  private final Batcher disconnects;
  private final Batcher joins;
  private final Batcher leaves;

  /** @param nodeId this node's id, read at each batch: it changes when the node rejoins after a split */
  public MembershipLink(Vertx vertx, Supplier<String> nodeId, long timeoutMs) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMs);
    Supplier<JsonObject> envelope = () -> new JsonObject().put("nodeId", nodeId.get());
    this.connects = new Batcher(vertx, Addresses.PRESENCE_CONNECT, GatewayBatch.CONNECTIONS, MAX_BATCH, options, envelope);
    this.disconnects = new Batcher(vertx, Addresses.PRESENCE_DISCONNECT, GatewayBatch.CONNECTIONS, MAX_BATCH, options, envelope);
    this.joins = new Batcher(vertx, Addresses.MEMBERS_JOIN, GatewayBatch.JOINS, MAX_BATCH, options, envelope);
    this.leaves = new Batcher(vertx, Addresses.MEMBERS_LEAVE, GatewayBatch.LEAVES, MAX_BATCH, options, envelope);
  }

  /**
   * Counts a new connection in presence; completes (never fails) once presence has it or is
   * unavailable. A request that timed out may still have been applied, so unless no presence
   * service exists at all, the connection is treated as counted and its close will be reported.
   * If the connection closed meanwhile, it leaves at once (unless a drain closed it).
   */
  public Future<Void> joinPresence(Connection c) {
    return connects.add(item(c, null)).transform(ar -> {
      boolean noService = ar.failed() && ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
      boolean leaveNow = c.life.counted(!noService);
      if (noService) {
        LOG.debug("no presence service: connection {} of {} is not counted", c.id, c.principal.userId());
      } else if (ar.failed()) {
        LOG.warn("presence did not confirm connection {} of {}: {}", c.id, c.principal.userId(), ar.cause().getMessage());
      }
      if (leaveNow) {
        leavePresence(c);
      }
      return Future.succeededFuture();
    });
  }

  /** Tells presence the connection is gone, once, and only if it was counted. */
  Future<Void> leavePresence(Connection c) {
    if (!c.life.leave()) {
      return Future.succeededFuture();
    }
    return disconnects.add(traced(item(c, null), c, c.closedBy)).mapEmpty();
  }

  /**
   * Counts the connection as a member of {@code channel}; completes (never fails) once the
   * membership service answered. {@code traceId} (the register frame's, or null) traces the
   * occupancy event it may cause.
   */
  public Future<Void> joinChannel(Connection c, String channel, String traceId) {
    Future<Void> joined = joins.add(item(c, channel).traced(traceId)).mapEmpty();
    c.channels().put(channel, joined);
    return joined.otherwiseEmpty();
  }

  /**
   * Ends the membership once its join has been counted (a leave must not overtake its join);
   * {@code traceId} (the unregister frame's, or null) traces it, else what closed the connection.
   */
  public Future<Void> leaveChannel(Connection c, String channel, String traceId) {
    Future<Void> joined = c.channels == null ? null : c.channels.remove(channel);
    if (joined == null) {
      return Future.succeededFuture();
    }
    return joined.transform(ar -> ar.succeeded()
        ? leaves.add(traced(item(c, channel), c, traceId != null ? traceId : c.closedBy)).mapEmpty()
        : Future.succeededFuture());
  }

  /**
   * What a connection causes is traced by the frame or request that caused it, else by the
   * connection's id (presence, webhooks).
   */
  private static GatewayBatch.Item traced(GatewayBatch.Item item, Connection c, String traceId) {
    return item.traced(traceId != null ? traceId : c.id);
  }

  /** The connection, in {@code channel} or (null) in presence. */
  private static GatewayBatch.Item item(Connection c, String channel) {
    return new GatewayBatch.Item(c.principal.userId(), c.id, channel, null);
  }

  /** Takes a closed connection out of every channel and out of presence. */
  public Future<Void> leaveAll(Connection c) {
    List<Future<Void>> left = new ArrayList<>();
    if (c.channels != null) {
      for (String channel : List.copyOf(c.channels.keySet())) {
        left.add(leaveChannel(c, channel, null));
      }
    }
    left.add(leavePresence(c));
    return Future.join(left).mapEmpty();
  }
}
