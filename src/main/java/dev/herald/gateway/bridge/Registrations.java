package dev.herald.gateway.bridge;

import dev.herald.gateway.connection.BridgeMetrics;
import dev.herald.gateway.connection.Connection;
import dev.herald.gateway.fanout.LocalFanout;
import dev.herald.gateway.fanout.MembershipLink;
import dev.herald.observability.TraceIds;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.Addresses.Target;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Frame;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
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

  private final dev.herald.config.NamespacesConfig namespaces;

  Registrations(LocalFanout fanout, MembershipLink membership, BridgeMetrics metrics, int maxHandlers, dev.herald.config.NamespacesConfig namespaces) {
    this.namespaces = namespaces;
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
    boolean counted = target.kind() == Addresses.Kind.CHANNEL && namespaces.of(target.arg()).presence();
    return fanout.subscribe(address, c).compose(v -> counted
        ? membership.joinChannel(c, target.arg(), TraceIds.given(frame.headers())) : Future.<Void>succeededFuture()).recover(err -> {
      LOG.warn("registration of {} failed: {}", address, err.getMessage());
      c.registrations.remove(address);
      fanout.unsubscribe(address, c);
      c.refuse(frame, ErrorCode.asReply(err), metrics);
      return Future.succeededFuture();
    });
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
