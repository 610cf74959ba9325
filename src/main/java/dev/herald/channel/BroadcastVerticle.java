package dev.herald.channel;

import dev.herald.bus.Guarded;
import dev.herald.bus.Listings;
import dev.herald.cluster.Structures;
import com.hazelcast.cluster.Member;
import com.hazelcast.map.IMap;
import com.hazelcast.projection.Projection;
import dev.herald.cluster.ClusterHandle;
import dev.herald.cluster.KeyPrefix;
import dev.herald.protocol.message.AdminListing;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Headers;
import dev.herald.protocol.message.ChannelProbe;
import dev.herald.protocol.message.ChannelQuery;
import dev.herald.protocol.message.History;
import dev.herald.protocol.message.HistoryQuery;
import dev.herald.protocol.message.Publish;
import dev.herald.protocol.message.Published;
import dev.herald.config.BroadcastConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import dev.herald.observability.Trace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Channel messages: {@code rt.channel.publish {"channel", "data", "id"?}} assigns the next seq and stores the
 * message ({@link PublishOp}), replies {@code {"channel", "seq"}} once it is on its owner and its
 * backup with a majority ({@link ClusterHandle#unconfirmed}; else, or past
 * {@code broadcast.publishTimeoutMs}, {@code unavailable}), then has the owner deliver it on {@code rt.channel.<name>} ({@link DeliverOp});
 * {@code rt.channel.history {"channel", "since", "limit"?}} answers what came after {@code since}.
 * Logs live in the Hazelcast map {@value #MAP}, one entry per channel, with one synchronous backup.
 */
public final class BroadcastVerticle extends VerticleBase {

  public static final String MAP = Structures.CHANNELS;
  private static final Logger LOG = LoggerFactory.getLogger(BroadcastVerticle.class);

  private final BroadcastConfig config;
  private final ClusterHandle cluster;
  private IMap<String, ChannelLog> logs;
  private io.micrometer.core.instrument.Timer publishes;
  private final dev.herald.config.NamespacesConfig namespaces;
  /** By namespace name ("" for channels in none): what its channels keep. */
  private final Map<String, ChannelLog.Retention> retentions = new HashMap<>();

  public BroadcastVerticle(BroadcastConfig config, dev.herald.config.NamespacesConfig namespaces, ClusterHandle cluster) {
    this.namespaces = namespaces;
    this.config = config;
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    logs = cluster.hazelcast().getMap(MAP);
    publishes = ChannelMetrics.publishes(vertx);

    return Future.join(
        vertx.eventBus().<Object>consumer(Addresses.CHANNEL_PUBLISH, Guarded.handler(Addresses.CHANNEL_PUBLISH, this::onPublish)).completion(),
        vertx.eventBus().<Object>consumer(Addresses.CHANNEL_HISTORY, Guarded.handler(Addresses.CHANNEL_HISTORY, this::onHistory)).completion(),
        vertx.eventBus().<Object>consumer(Addresses.ADMIN_CHANNELS, Guarded.handler(Addresses.ADMIN_CHANNELS, this::onAdminList)).completion(),
        vertx.eventBus().<Object>consumer(Addresses.CHANNEL_INFO, Guarded.handler(Addresses.CHANNEL_INFO, this::onInfo)).completion(),
        vertx.eventBus().<Object>consumer(Addresses.CHANNEL_PROBE, Guarded.handler(Addresses.CHANNEL_PROBE, this::onProbe)).completion());
  }

  /** {@link ChannelProbe}: the channel's owner publishes the marker ({@link ProbeOp}); answered once it has. */
  private void onProbe(Message<Object> msg) {
    ChannelProbe probe;
    try {
      probe = ChannelProbe.fromJson(msg.body());
    } catch (ReplyException e) {
      ErrorCode.refuse(msg, e);
      return;
    }
    ClusterHandle.future(logs.submitToKey(probe.channel(), new ProbeOp(probe.marker())), context).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(null);
      } else {
        ErrorCode.UNAVAILABLE.fail(msg, "the channel's owner did not take the probe: " + ar.cause().getMessage());
      }
    });
  }

  private void onPublish(Message<Object> msg) {
    Publish publish;
    try {
      publish = Publish.fromJson(msg.body(), config.maxDataBytes());
    } catch (ReplyException e) {
      ErrorCode.refuse(msg, e);
      return;
    }
    String channel = publish.channel();
    String data = publish.data();
    // without the publisher's id, one of our own: Hazelcast may retry this operation, and a retry
    // must find the message it already stored
    String id = publish.id() != null ? publish.id() : "herald:" + UUID.randomUUID();
    // a message carries who published it when a user did, and its trace id when the publisher gave one
    String from = msg.headers().contains(Headers.SERVICE) ? null : msg.headers().get(Headers.USER_ID);
    String traceId = msg.headers().contains(Headers.TRACED) ? msg.headers().get(Headers.TRACE_ID) : null;
    PublishOp op = new PublishOp(cluster.now(), from, data, traceId, id, retention(channel), config.channelIdleSeconds());
    long t0 = System.nanoTime();
    Set<Member> members = cluster.members();
    // answered once: the ack, or unavailable (a failure, a write not confirmed, or none in time)
    boolean[] answered = {false};
    long timer = vertx.setTimer(config.publishTimeoutMs(), t -> {
      if (!answered[0]) {
        answered[0] = true;
        ChannelMetrics.unconfirmed(vertx, "timeout");
        ErrorCode.UNAVAILABLE.fail(msg, "not confirmed within " + config.publishTimeoutMs() + " ms; publish again with the same id");
      }
    });
    ClusterHandle.future(logs.submitToKey(channel, op), context).onComplete(ar -> {
      vertx.cancelTimer(timer);
      long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
      String unconfirmed = ar.failed() ? ar.cause().getMessage() : cluster.unconfirmed(members, elapsedMs);
      if (unconfirmed != null) {
        // stored here perhaps, but not proven on two members of the majority: neither acknowledged
        // nor delivered; the publisher's retry (same id) confirms it, or stores it where the majority is
        if (!answered[0]) {
          answered[0] = true;
          ChannelMetrics.unconfirmed(vertx, ar.failed() ? "failed" : "unconfirmed");
          ErrorCode.UNAVAILABLE.fail(msg, unconfirmed + "; publish again with the same id");
        }
        return;
      }
      long seq = ar.result().seq();
      if (!answered[0]) {
        answered[0] = true;
        publishes.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
        Trace.with(LOG.atDebug(), msg.headers()).log("published {} seq {} from {}", channel, seq, from);
        msg.reply(new Published(channel, seq).toJson());
      }
      // on the owner and its backup, with a majority: deliver, even when the answer went out as
      // unavailable (too late); a repeat too, in case the first try's node died before it
      // delivered (what went out already is not sent again)
      ClusterHandle.future(logs.submitToKey(channel, new DeliverOp(seq, config.channelIdleSeconds())), context)
          .onFailure(e -> LOG.warn("delivery of {} seq {} failed (clients recover it from history): {}", channel, seq, e.toString()));
    });
  }

  /**
   * The admin console's channel list: every channel with a log or members, its last seq and its
   * member count ({@link AdminListing}). Reads the summaries of the logs whose channel starts with
   * the prefix (tested and projected where each log lives) and the same channels' occupancy, on a
   * worker thread.
   */
  private void onAdminList(Message<Object> msg) {
    Listings.reply(vertx, msg, "channels", listing -> {
      Map<String, long[]> channels = new HashMap<>();
      for (LastSeq s : logs.project(new LastSeqs(), new KeyPrefix<>(listing.prefix()))) {
        channels.put(s.channel(), new long[] {s.seq(), 0});
      }
      IMap<String, Integer> occupancy = cluster.hazelcast().getMap(Structures.OCCUPANCY);
      for (Map.Entry<String, Integer> e : occupancy.entrySet(new KeyPrefix<>(listing.prefix()))) {
        channels.computeIfAbsent(e.getKey(), c -> new long[2])[1] = e.getValue();
      }
      return List.copyOf(channels.entrySet());
    }, Map.Entry::getKey, e -> new JsonObject().put("channel", e.getKey()).put("seq", e.getValue()[0]).put("members", e.getValue()[1]));
  }

  /** A channel's last seq, as the admin console lists it. */
  record LastSeq(String channel, long seq) implements java.io.Serializable {
  }

  /** Projects each log to its {@link LastSeq} where it is stored: only that travels. */
  static final class LastSeqs implements Projection<Map.Entry<String, ChannelLog>, LastSeq> {
    private static final long serialVersionUID = 1L;

    @Override
    public LastSeq transform(Map.Entry<String, ChannelLog> e) {
      return new LastSeq(e.getKey(), e.getValue().nextSeq() - 1);
    }
  }

  private void onHistory(Message<Object> msg) {
    HistoryQuery q;
    try {
      q = HistoryQuery.fromJson(msg.body());
    } catch (ReplyException e) {
      ErrorCode.refuse(msg, e);
      return;
    }
    boolean cache = namespaces.of(q.channel()).recovery() == dev.herald.config.NamespacesConfig.Recovery.CACHE;
    HistoryOp op = new HistoryOp(q.since(), q.limit(), cluster.now(), retention(q.channel()).ttlMs(), cache);
    ClusterHandle.future(logs.submitToKey(q.channel(), op), context).onComplete(ar -> {
      if (ar.failed()) {
        ErrorCode.UNAVAILABLE.fail(msg, ar.cause().getMessage());
      } else if (ar.result() == null) {
        // nothing was ever published here (or its log was lost): nothing to recover
        msg.reply(History.none(q).toJson());
      } else {
        msg.reply(new JsonObject(ar.result()));
      }
    });
  }

  /** What {@code channel} keeps: its namespace's history options, the broadcast section's where it sets none. */
  private ChannelLog.Retention retention(String channel) {
    dev.herald.config.NamespacesConfig.Namespace ns = namespaces.of(channel);
    return retentions.computeIfAbsent(ns.name(), n -> new ChannelLog.Retention(
        ns.historySize() != null ? ns.historySize() : config.historySize(),
        ns.historyMaxBytes() != null ? ns.historyMaxBytes() : config.historyMaxBytes(),
        (ns.historyTtlSeconds() != null ? ns.historyTtlSeconds() : config.historyTtlSeconds()) * 1000L,
        (ns.idempotencySeconds() != null ? ns.idempotencySeconds() : config.idempotencySeconds()) * 1000L));
  }

  /** {@link Addresses#CHANNEL_INFO}: the channel's position, its member count and where it lives. */
  private void onInfo(Message<Object> msg) {
    String channel;
    try {
      channel = ChannelQuery.fromJson(msg.body()).channel();
    } catch (ReplyException e) {
      ErrorCode.refuse(msg, e);
      return;
    }
    List<String> replicas = cluster.replicas(channel);
    IMap<String, Integer> occupancy = cluster.hazelcast().getMap(Structures.OCCUPANCY);
    // a history read past any seq: the epoch and next seq, no message travels
    Future<String> position = ClusterHandle.future(logs.submitToKey(channel, new HistoryOp(Long.MAX_VALUE, 1, cluster.now(), 0, false)), context);
    Future<Integer> members = ClusterHandle.future(occupancy.getAsync(channel), context);
    Future.all(position, members).onComplete(ar -> {
      if (ar.failed()) {
        ErrorCode.UNAVAILABLE.fail(msg, ar.cause().getMessage());
        return;
      }
      JsonObject log = position.result() == null ? null : new JsonObject(position.result());
      msg.reply(new ChannelInfo(channel, log == null ? null : log.getString("epoch"), log == null ? 0 : log.getLong("nextSeq") - 1,
          members.result() == null ? 0 : members.result(), replicas).toJson());
    });
  }
}
