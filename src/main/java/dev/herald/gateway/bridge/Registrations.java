package dev.herald.gateway.bridge;

import dev.herald.bus.ChannelClient;
import dev.herald.config.NamespacesConfig;
import dev.herald.gateway.connection.BridgeMetrics;
import dev.herald.gateway.connection.Connection;
import dev.herald.gateway.fanout.DeliveryOrder;
import dev.herald.gateway.fanout.LocalFanout;
import dev.herald.gateway.fanout.MembershipLink;
import dev.herald.observability.TraceIds;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.Addresses.Target;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Frame;
import dev.herald.protocol.message.HistoryQuery;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * A connection's registrations: each is a local subscription ({@link LocalFanout}), and for a
 * channel a membership ({@link MembershipLink}); at most {@code bridge.maxHandlersPerSocket}; and
 * after a refresh, only what the new rights allow.
 */
public final class Registrations {

  private static final Logger LOG = LoggerFactory.getLogger(Registrations.class);

  private final LocalFanout fanout;
  private final MembershipLink membership;
  private final BridgeMetrics metrics;
  private final int maxHandlers;

  /** The register header that asks for a channel's messages as deltas (docs/protocol.md, "Delta compression"). */
  static final String DELTA = "delta";

  private final NamespacesConfig namespaces;
  private final ChannelClient channels;
  private final long replyTimeoutMs;

  Registrations(LocalFanout fanout, MembershipLink membership, BridgeMetrics metrics, int maxHandlers, NamespacesConfig namespaces,
                ChannelClient channels, long replyTimeoutMs) {
    this.namespaces = namespaces;
    this.channels = channels;
    this.replyTimeoutMs = replyTimeoutMs;
    this.fanout = fanout;
    this.membership = membership;
    this.metrics = metrics;
    this.maxHandlers = maxHandlers;
  }

  Future<Void> register(Connection c, Frame frame, Target target) {
    String address = frame.address();
    if (c.registrations.contains(address)) {
      return Future.succeededFuture();
    }
    int deltaMaxWork = 0;
    if (target.kind() == Addresses.Kind.CHANNEL && frame.headers() != null && frame.headers().containsKey(DELTA)) {
      ReplyException refused = deltaRefusal(frame.headers().getValue(DELTA), target.arg());
      if (refused != null) {
        c.refuse(frame, refused, metrics);
        return Future.succeededFuture();
      }
      deltaMaxWork = namespaces.of(target.arg()).deltaMaxWork();
    }
    if (c.registrations.size() >= maxHandlers) {
      c.refuse(frame, ErrorCode.RATE_LIMITED.exception("at most " + maxHandlers + " registrations per connection"), metrics);
      return Future.succeededFuture();
    }
    c.registrations.add(address);
    if (target.kind() == Addresses.Kind.CONTACTS || target.kind() == Addresses.Kind.NOTICES) {
      // contact events come through the users' routes (Contacts), notices to every connection: not through this address's route
      return Future.succeededFuture();
    }
    // the membership join is counted before the connection's next frame, so a member list or an
    // occupancy event that follows a register sees it
    boolean channel = target.kind() == Addresses.Kind.CHANNEL;
    boolean counted = channel && namespaces.of(target.arg()).presence();
    boolean cache = channel && namespaces.of(target.arg()).recovery() == NamespacesConfig.Recovery.CACHE;
    DeliveryOrder.Mark joined = cache ? fanout.mark(address) : null;
    return fanout.subscribe(address, c, deltaMaxWork).compose(v -> counted && current(c, address)
        ? membership.joinChannel(c, target.arg(), TraceIds.given(frame.headers())) : Future.<Void>succeededFuture()).andThen(ar -> {
      if (ar.succeeded() && cache && current(c, address)) {
        sendLatest(c, target.arg(), joined);
      }
    }).recover(err -> {
      LOG.warn("registration of {} failed: {}", address, err.getMessage());
      c.registrations.remove(address);
      fanout.unsubscribe(address, c);
      c.refuse(frame, ErrorCode.asReply(err), metrics);
      return Future.succeededFuture();
    });
  }

  /**
   * Whether {@code c} still holds {@code address} once its subscription is in effect: it may have
   * closed, unregistered or been unsubscribed by the backend meanwhile (its leave is done then, and
   * a join now would never be left).
   */
  private static boolean current(Connection c, String address) {
    return !c.life.closed() && c.registrations.contains(address);
  }

  /**
   * A new subscriber of a cache namespace's channel gets its latest message at once, read after
   * it subscribed (nothing published meanwhile is missed: the live stream brings it); a read that
   * fails is told on the address, the subscription kept.
   */
  private void sendLatest(Connection c, String channel, DeliveryOrder.Mark joined) {
    String address = Addresses.channel(channel);
    channels.history(new HistoryQuery(channel, 0, 1), new DeliveryOptions().setSendTimeout(replyTimeoutMs)).onComplete(ar -> {
      if (ar.failed()) {
        metrics.refused.increment();
        c.write(Frame.err(address, ErrorCode.UNAVAILABLE.exception("the latest message of " + channel + " could not be read ("
            + ar.cause().getMessage() + "): subscribed; ask rt.channel.history")));
        return;
      }
      JsonArray messages = ar.result().getJsonArray("messages");
      if (messages != null && !messages.isEmpty() && !c.life.closed()) {
        fanout.sendLatest(address, c, joined, messages.getJsonObject(messages.size() - 1));
      }
    });
  }

  /**
   * Why a register's {@code delta} header is refused (4000), or null: it must name the format
   * the channel's namespace sends (docs/protocol.md, "Delta compression").
   */
  private ReplyException deltaRefusal(Object asked, String channel) {
    NamespacesConfig.Namespace ns = namespaces.of(channel);
    if (!NamespacesConfig.DELTA_JSON_PATCH.equals(asked)) {
      return ErrorCode.BAD_REQUEST.exception("the delta header may be \"" + NamespacesConfig.DELTA_JSON_PATCH + "\"");
    }
    if (ns.delta() == null) {
      return ErrorCode.BAD_REQUEST.exception(ns == NamespacesConfig.DEFAULT
          ? "channels outside a namespace send no deltas (a namespace's delta option turns them on)"
          : "namespace " + ns.name() + " sends no deltas (its delta option is not set)");
    }
    return null;
  }

  /** @param traceId the unregister frame's trace id, or null */
  Future<Void> unregister(Connection c, String address, String traceId) {
    if (c.registrations.remove(address)) {
      fanout.unsubscribe(address, c);
      Target t = Addresses.parse(address);
      if (t.kind() == Addresses.Kind.CHANNEL) {
        membership.leaveChannel(c, t.arg(), traceId); // a no-op for a channel never counted
      }
    }
    return Future.succeededFuture();
  }

  /**
   * The connection now runs on a refreshed token: registrations the new rights no longer allow
   * are dropped, each with an {@code err} on its address, and so are contacts it may no longer watch
   * (one {@code err} on {@code rt.presence.contacts} naming them).
   */
  void narrowRights(Connection c) {
    for (String address : List.copyOf(c.registrations)) {
      Addresses.Target t = Addresses.parse(address);
      NamespaceRules.Decision ns = NamespaceRules.check(namespaces, c.principal, Frame.Type.REGISTER, t, null);
      ReplyException refused = ns != null ? ns.refused() : Permissions.check(c.principal, c.granted, Frame.Type.REGISTER, t, null);
      if (refused != null) {
        unregister(c, address, null);
        metrics.refused.increment();
        c.write(Frame.err(address, ErrorCode.FORBIDDEN.exception("your refreshed token no longer allows " + address + ": unregistered")));
      }
    }
    if (c.contacts != null) {
      List<String> lost = c.contacts.stream().filter(user -> !c.principal.mayWatch(user)).toList();
      if (!lost.isEmpty()) {
        lost.forEach(user -> {
          fanout.unfollow(user, c);
          c.contacts.remove(user);
        });
        if (c.contacts.isEmpty()) {
          c.contacts = null;
        }
        metrics.refused.increment();
        c.write(Frame.err(Addresses.PRESENCE_CONTACTS, ErrorCode.FORBIDDEN.exception("your refreshed token no longer allows watching "
            + String.join(", ", lost.subList(0, Math.min(10, lost.size()))) + (lost.size() > 10 ? " and " + (lost.size() - 10) + " more" : "")
            + ": dropped from your contacts")));
      }
    }
  }
}
