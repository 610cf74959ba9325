package dev.herald.gateway.bridge;

import dev.herald.bus.PresenceClient;
import dev.herald.gateway.connection.Connection;
import dev.herald.gateway.connection.ConnectionLife;
import dev.herald.gateway.fanout.LocalFanout;
import dev.herald.gateway.fanout.MembershipLink;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What a gateway instance does when the cluster forgot part of it (Hazelcast tells, through
 * {@link ClusterWatch}): registers its consumers again, and counts its connections again in
 * presence and in their channels.
 */
public final class Rejoin {

  private static final Logger LOG = LoggerFactory.getLogger(Rejoin.class);

  private final Connections connections;
  private final MembershipLink membership;
  private final LocalFanout fanout;
  private final PresenceClient presence;
  private final long replyTimeoutMs;

  Rejoin(Connections connections, MembershipLink membership, LocalFanout fanout, PresenceClient presence, long replyTimeoutMs) {
    this.connections = connections;
    this.membership = membership;
    this.fanout = fanout;
    this.presence = presence;
    this.replyTimeoutMs = replyTimeoutMs;
  }

  /**
   * Another member came back after a network split: this node's consumers registered again, so
   * that member's cache of who listens where, emptied of this node while split, is filled again
   * ({@link LocalFanout#reregister}).
   */
  void reregister(String why) {
    fanout.reregister();
    LOG.info("{}: {} subscriptions registered again", why, fanout.addresses());
  }

  /**
   * The cluster forgot some of this node's connections: it rejoined after a network split healed
   * (Hazelcast merged it into the majority, whose records won, and the majority had taken this
   * node's connections out when it seemed gone), or partitions lost every copy (their owner and
   * backup died together, and the presence and membership records in them with them). Counts every
   * live connection in presence and in its channels again (under this node's member id now; a
   * connection still counted is counted once), then shows local watchers the presence of whom they
   * watch, which they may not have heard about meanwhile. Its consumers are registered again
   * first ({@link #reregister}).
   */
  void recount(String why) {
    fanout.reregister();
    List<Future<Void>> counted = new ArrayList<>();
    for (Connection c : connections.all()) {
      if (c.life.presence() == ConnectionLife.Presence.JOINED) {
        counted.add(membership.joinPresence(c));
      }
      if (c.channels != null) {
        List.copyOf(c.channels.keySet()).forEach(channel -> counted.add(membership.joinChannel(c, channel, null)));
      }
    }
    Future.join(counted).onComplete(v -> {
      List<String> users = fanout.watchedUsers();
      presence.all(users, new DeliveryOptions().setSendTimeout(replyTimeoutMs))
          .onSuccess(found -> found.forEach(fanout::resync))
          .onFailure(e -> LOG.warn("presence resync ({}) failed: {}", why, e.toString()));
      LOG.info("{}: {} presence and channel memberships counted again, {} watched users resent", why, counted.size(), users.size());
    });
  }
}
