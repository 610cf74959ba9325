package dev.herald.gateway.bridge;

import dev.herald.config.NamespacesConfig;
import dev.herald.gateway.connection.BridgeMetrics;
import dev.herald.gateway.connection.Connection;
import dev.herald.observability.TraceIds;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.Addresses.Target;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Frame;
import dev.herald.protocol.message.Publish;
import dev.herald.token.TokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What a connection may do beyond, or against, its token's claims: its channel's namespace
 * decides first (a user-limited channel, a feed closed to client publishes), the publish proxy
 * takes every publish to its channels, a subscription token or the subscribe proxy may grant a
 * channel the claims lack, a backend may take a channel away for good (unsubscribe), the server
 * subscribes a connection to what its token or its connect grant names, and the refresh proxy
 * extends a proxied connection (docs/protocol.md, "Backend proxies", "Channel namespaces",
 * "Subscription tokens"). The claims themselves are {@link Permissions}'.
 */
public final class Grants {

  private static final Logger LOG = LoggerFactory.getLogger(Grants.class);
  /** The register header that carries a subscription token (docs/protocol.md, "Subscription tokens"). */
  static final String SUBSCRIPTION_TOKEN = "subscriptionToken";
  /** Set on the routing context of a request the connect proxy let in. */
  public static final String PROXIED_KEY = "herald.proxied";
  /** Set on the routing context with what the connect proxy's answer handed the client ({@code data}), when it did. */
  public static final String CONNECT_DATA_KEY = "herald.connectData";

  private final NamespacesConfig namespaces;
  private final Backend backend;
  private final TokenVerifier subscriptionTokens;
  private final Registrations registrations;
  private final Sends sends;
  private final BridgeMetrics metrics;
  private final int maxHandlers;

  Grants(NamespacesConfig namespaces, Backend backend, TokenVerifier subscriptionTokens, Registrations registrations, Sends sends,
         BridgeMetrics metrics, int maxHandlers) {
    this.namespaces = namespaces;
    this.backend = backend;
    this.subscriptionTokens = subscriptionTokens;
    this.registrations = registrations;
    this.sends = sends;
    this.metrics = metrics;
    this.maxHandlers = maxHandlers;
  }

  /**
   * Decides a frame the bridge is about to handle: a future when it was handled here (refused,
   * granted and registered, or sent through the publish proxy), null when the claims allow it and
   * it goes on as any frame.
   */
  Future<Void> decide(Connection c, Frame frame, Target target) {
    NamespaceRules.Decision ns = NamespaceRules.check(namespaces, c.principal, frame.type(), target, frame.body());
    if (ns != null && !ns.allowed()) {
      c.refuse(frame, ns.refused(), metrics);
      return Future.succeededFuture();
    }
    if (frame.type() == Frame.Type.SEND && target.kind() == Addresses.Kind.CHANNEL_PUBLISH && backend.publishes(Publish.channelOf(frame.body()))) {
      // the backend decides on every publish to this channel (the token's publish claim is not asked)
      String trace = TraceIds.given(frame.headers());
      return sends.send(c, frame, target, body -> backend.publish(c, body, trace != null ? trace : c.id));
    }
    boolean channelRegister = frame.type() == Frame.Type.REGISTER && (target.kind() == Addresses.Kind.CHANNEL || target.kind() == Addresses.Kind.MEMBERS);
    ReplyException refused = ns != null ? null : Permissions.check(c.principal, c.granted, frame.type(), target, frame.body());
    if (channelRegister && refused == null && !c.granted.contains(target.arg()) && backend.subscribesAll(target.arg())) {
      // the namespace has the backend decide every subscription, whatever the claims allow
      refused = ErrorCode.FORBIDDEN.exception("the backend decides subscriptions in this namespace");
    }
    if (refused == null && frame.type() == Frame.Type.SEND
        && (target.kind() == Addresses.Kind.CHANNEL_HISTORY || target.kind() == Addresses.Kind.CHANNEL_MEMBERS)) {
      String channel = Publish.channelOf(frame.body());
      if (!c.granted.contains(channel) && backend.subscribesAll(channel)) {
        // nor may its history or members be read without the backend's grant (a subscription first)
        c.refuse(frame, ErrorCode.FORBIDDEN.exception("the backend decides who reads this namespace: subscribe first"), metrics);
        return Future.succeededFuture();
      }
    }
    boolean channelRefused = refused != null && channelRegister && refused.failureCode() == ErrorCode.FORBIDDEN.code;
    Object subscriptionToken = frame.headers() == null ? null : frame.headers().getValue(SUBSCRIPTION_TOKEN);
    if (channelRefused && c.withdrawn.contains(target.arg())) {
      c.refuse(frame, ErrorCode.FORBIDDEN.exception("unsubscribed by the server"), metrics);
      return Future.succeededFuture();
    }
    if (channelRefused && (subscriptionToken instanceof String || backend.subscribes(target.arg()))) {
      // not in the token: a subscription token for it, or the backend, may grant it
      String trace = TraceIds.given(frame.headers());
      Future<Void> granted = subscriptionToken instanceof String st
          ? subscriptionTokens.verifySubscription(st, c.principal.userId(), target.arg()).onSuccess(v -> Backend.grant(c, target.arg(), maxHandlers))
          : backend.subscribe(c, target.arg(), trace != null ? trace : c.id, maxHandlers);
      return granted.transform(ar -> {
        if (ar.failed()) {
          c.refuse(frame, ErrorCode.asReply(ar.cause()), metrics);
          return Future.<Void>succeededFuture();
        }
        if (!c.granted.contains(target.arg())) {
          c.refuse(frame, ErrorCode.FORBIDDEN.exception("unsubscribed by the server"), metrics);
          return Future.<Void>succeededFuture();
        }
        return c.life.closed() ? Future.<Void>succeededFuture() : registrations.register(c, frame, target);
      });
    }
    if (refused != null) {
      c.refuse(frame, refused, metrics);
      return Future.succeededFuture();
    }
    return null;
  }

  /**
   * A backend took {@code userId} off {@code channel}: each of the user's connections here drops
   * its subscription to the channel and to its members, with an {@code err} 4030 on each address
   * it held, and loses what a subscribe proxy or subscription token granted of it. The token's
   * own rights stay: a client may register again if its token allows the channel.
   */
  void unsubscribe(java.util.Collection<Connection> connections, String userId, String channel, String traceId) {
    for (Connection c : connections) {
      if (!c.principal.userId().equals(userId)) {
        continue;
      }
      c.granted.remove(channel);
      if (c.channelData != null) {
        c.channelData.remove(channel);
      }
      if (c.withdrawn.size() < maxHandlers) {
        c.withdrawn.add(channel);
      }
      for (String address : List.of(Addresses.channel(channel), Addresses.members(channel))) {
        if (c.registrations.contains(address)) {
          registrations.unregister(c, address, traceId);
          c.write(Frame.err(address, ErrorCode.FORBIDDEN.exception("unsubscribed by the server")));
        }
      }
    }
  }

  /**
   * The channels the token (or the connect proxy) subscribes the connection to: registered as if
   * the client had, and readable by it (history, members) whatever its claims, before its first
   * frame is handled. A client library hands their messages to its handlers for those addresses.
   */
  Future<Void> serverSubscriptions(Connection c) {
    List<Future<Void>> all = new ArrayList<>();
    for (String channel : c.principal.subscribe()) {
      Backend.grant(c, channel, maxHandlers);
      String address = Addresses.channel(channel);
      all.add(registrations.register(c, new Frame(Frame.Type.REGISTER, address, null, null, null), Addresses.parse(address)));
    }
    return Future.join(all).mapEmpty();
  }

  /**
   * A proxied connection about to end, with a refresh proxy: the backend is asked whether it lives
   * on; until it answers (or if it says no, when it is told as a token's would be) it runs as before.
   */
  boolean refreshedByBackend(Connection c) {
    if (!c.proxied || !backend.refreshes()) {
      return false;
    }
    backend.refresh(c).onComplete(ar -> {
      if (ar.succeeded()) {
        c.expiryNoticeSent = false;
      } else if (!c.life.closed()) {
        LOG.debug("refresh of connection {} of {} refused: {}", c.id, c.principal.userId(), ar.cause().getMessage());
        Sweep.notice(c);
      }
    });
    return true;
  }
}
