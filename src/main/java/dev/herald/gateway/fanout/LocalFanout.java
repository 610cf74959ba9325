package dev.herald.gateway.fanout;

import dev.herald.gateway.connection.BridgeMetrics;
import dev.herald.gateway.connection.Connection;
import dev.herald.observability.Trace;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.herald.bus.ChannelClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Client subscriptions kept node-local: one event-bus consumer per address per gateway instance,
 * added with the first local subscriber and removed with the last, re-delivering to every local
 * connection; users' presence all comes on one consumer ({@link Addresses#PRESENCE_EVENTS}). The
 * bare bridge registers one cluster-wide consumer per socket instead, which costs a Hazelcast entry per socket and CPU on every node at each connect or disconnect (measured: docs/benchmarks-log.md; README, "Design notes").
 * Each message is encoded once and the same frame written to every subscriber (a channel message
 * three times at most: its long form goes to those who have not seen its epoch yet, its delta
 * form to those who asked for deltas and hold the message before it).
 */
public final class LocalFanout {

  private static final class Route {
    final String address;
    /** What the address carries, found once: presence events and channel messages are kept in order. */
    final Addresses.Kind kind;
    final Set<Connection> subscribers = new LinkedHashSet<>();
    MessageConsumer<Object> consumer;
    /**
     * Completes once the consumer is registered and, for a channel, the channel's owner reaches it
     * ({@link OwnerReach}): what a subscriber waits for before its register is answered.
     */
    Future<Void> ready;
    final DeliveryOrder order = new DeliveryOrder();
    /** For member events only. */
    DeliveryOrder.PerUser members;
    /**
     * For channels only: the epoch of the last message delivered, and who has not had a message in
     * its long form since they subscribed.
     */
    String epoch;
    Set<Connection> fresh;
    /**
     * For a cache channel only: subscribers sent its latest message (seq) before the live stream
     * brought it, who skip the live copies up to it; null while none.
     */
    Map<Connection, Long> ahead;
    String aheadEpoch;
    /**
     * For channels only, while some subscriber asked for deltas: who did, and the previous
     * message's data to diff from ({@link ChannelDelta}); null otherwise.
     */
    Set<Connection> deltas;
    ChannelDelta delta;
    /** For a user's presence only: the connections that follow the user as a contact (events on {@link Addresses#PRESENCE_CONTACTS}). */
    Set<Connection> contacts;

    boolean unused() {
      return subscribers.isEmpty() && (contacts == null || contacts.isEmpty());
    }

    Route(String address) {
      this.address = address;
      this.kind = Addresses.parse(address).kind();
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(LocalFanout.class);
  private final EventBus eventBus;
  private final BridgeMetrics metrics;
  private final Map<String, Route> routes = new HashMap<>();
  /** Every presence event of the cluster, for the local watchers of its user. */
  private MessageConsumer<Object> presenceEvents;

  private final OwnerReach reach;

  /**
   * @param settleMs {@code bridge.registerSettleMs}: how long a channel's new registration here may
   *                 wait for the channel's owner to reach it ({@link OwnerReach})
   */
  public LocalFanout(Vertx vertx, BridgeMetrics metrics, ChannelClient channels, int settleMs) {
    this.eventBus = vertx.eventBus();
    this.metrics = metrics;
    this.reach = new OwnerReach(vertx, channels, settleMs);
    this.presenceEvents = presenceConsumer();
  }

  private MessageConsumer<Object> presenceConsumer() {
    MessageConsumer<Object> consumer = eventBus.consumer(Addresses.PRESENCE_EVENTS);
    consumer.handler(msg -> {
      if (consumer == presenceEvents && msg.body() instanceof JsonObject e && e.getValue("userId") instanceof String user) {
        Route route = routes.get(Addresses.presenceUser(user));
        if (route != null) {
          deliver(route.address, route, msg);
        }
      }
    });
    return consumer;
  }

  private MessageConsumer<Object> routeConsumer(Route r) {
    MessageConsumer<Object> consumer = eventBus.consumer(r.address);
    consumer.handler(msg -> {
      if (r.kind == Addresses.Kind.CHANNEL && reach.marker(msg.body())) {
        return; // a probe's, not a message
      }
      if (consumer == r.consumer) {
        deliver(r.address, r, msg);
      }
    });
    return consumer;
  }

  /**
   * Registers every consumer again, under new registrations, and drops the old ones once the new
   * are in: each node of the cluster then hears of an added registration for each address and
   * reads its whole list again. Called after a network split healed: while split, each side took
   * the other's registrations out of the cluster's map and out of the address cache each node
   * keeps, and the merge brings the entries back without telling those caches (Vert.x issue 4394),
   * so a node went on publishing as if nobody on the other side listened. Each consumer delivers
   * only while it is the route's current one, so the overlap delivers nothing twice.
   */
  public void reregister() {
    MessageConsumer<Object> newPresence = presenceConsumer();
    newPresence.completion().onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("presence events not registered again: {}; the old registration stays", ar.cause().toString());
        newPresence.unregister();
        return;
      }
      // whichever registration is current now (another reregister may have swapped it) gives way
      MessageConsumer<Object> current = presenceEvents;
      presenceEvents = newPresence;
      current.unregister();
    });
    for (Route r : List.copyOf(routes.values())) {
      if (r.consumer == null) {
        continue;
      }
      MessageConsumer<Object> fresh = routeConsumer(r);
      fresh.completion().onComplete(ar -> {
        if (ar.failed() || routes.get(r.address) != r) {
          if (ar.failed()) {
            LOG.warn("{} not registered again: {}; the old registration stays", r.address, ar.cause().toString());
          }
          fresh.unregister(); // failed, or unsubscribed meanwhile
          return;
        }
        MessageConsumer<Object> current = r.consumer;
        r.consumer = fresh;
        current.unregister();
        if (r.kind == Addresses.Kind.CHANNEL) {
          r.ready = reach.await(Addresses.parse(r.address).arg()); // the owner's view lags again: new subscribers wait for it
        }
      });
    }
  }

  /**
   * Completes once messages on {@code address} reach {@code c} (its consumer is registered
   * cluster-wide; for a user's presence, the presence events' one).
   */
  public Future<Void> subscribe(String address, Connection c) {
    return subscribe(address, c, 0);
  }

  /**
   * As {@link #subscribe(String, Connection)}; with {@code deltaMaxWork} above 0, {@code c} asked
   * for the channel's messages as JSON Patches of the one before (docs/protocol.md, "Delta
   * compression") and a diff may take that much work ({@link ChannelDelta#work}). A connection
   * already subscribed keeps what it asked first.
   */
  public Future<Void> subscribe(String address, Connection c, int deltaMaxWork) {
    Route route = routes.get(address);
    if (route == null) {
      Route r = new Route(address);
      if (r.kind != Addresses.Kind.PRESENCE_USER) {
        r.consumer = routeConsumer(r);
        r.ready = r.kind == Addresses.Kind.CHANNEL
            ? r.consumer.completion().compose(v -> reach.await(Addresses.parse(address).arg()))
            : r.consumer.completion();
      }
      routes.put(address, r);
      route = r;
    }
    if (route.subscribers.add(c) && route.kind == Addresses.Kind.CHANNEL) {
      if (route.fresh == null) {
        route.fresh = new HashSet<>();
      }
      route.fresh.add(c);
      if (deltaMaxWork > 0) {
        if (route.deltas == null) {
          route.deltas = new HashSet<>();
          route.delta = new ChannelDelta(deltaMaxWork);
        }
        route.deltas.add(c);
      }
    }
    return route.ready != null ? route.ready : presenceEvents.completion();
  }

  /** Where a channel route's delivery stands now (before a subscriber reads the channel's latest message). */
  public DeliveryOrder.Mark mark(String address) {
    Route route = routes.get(address);
    return route == null ? new DeliveryOrder.Mark(null, -1) : route.order.mark();
  }

  /**
   * A cache namespace's latest message {@code m}, read for {@code c} after it subscribed at
   * {@code then}: written to it in its long form unless the live stream already brought it that
   * message or a newer one (so a subscriber sees each seq once, in order).
   */
  public void sendLatest(String address, Connection c, DeliveryOrder.Mark then, JsonObject m) {
    Route route = routes.get(address);
    if (route == null || !route.subscribers.contains(c) || !(m.getValue("seq") instanceof Number seq)
        || route.order.had(then, seq.longValue(), m.getString("epoch"))) {
      return;
    }
    c.write(Frame.rec(address, m));
    metrics.deliveries.increment();
    String epoch = m.getString("epoch");
    if (route.fresh != null && Objects.equals(route.epoch, epoch)) {
      route.fresh.remove(c); // it knows the epoch now: the short form is enough
    }
    // read from the log before its live copy came here, maybe: that copy, and any older, is not sent again
    if (route.ahead == null || !Objects.equals(route.aheadEpoch, epoch)) {
      route.ahead = new HashMap<>(4);
      route.aheadEpoch = epoch;
    }
    route.ahead.put(c, seq.longValue());
  }

  public void unsubscribe(String address, Connection c) {
    Route route = routes.get(address);
    if (route != null && route.fresh != null) {
      route.fresh.remove(c);
    }
    if (route != null && route.deltas != null && route.deltas.remove(c) && route.deltas.isEmpty()) {
      route.deltas = null;
      route.delta = null; // nobody asks: no data kept
    }
    if (route != null && route.ahead != null) {
      route.ahead.remove(c);
    }
    if (route != null && route.subscribers.remove(c)) {
      dropIfUnused(route);
    }
  }

  /**
   * {@code c} follows {@code user}'s presence as a contact: the user's presence events reach it on
   * {@link Addresses#PRESENCE_CONTACTS}, from the one consumer of all presence events; completes
   * once they do.
   */
  public Future<Void> follow(String user, Connection c) {
    Route route = routes.computeIfAbsent(Addresses.presenceUser(user), Route::new);
    if (route.contacts == null) {
      route.contacts = new HashSet<>(2);
    }
    route.contacts.add(c);
    return presenceEvents.completion();
  }

  public void unfollow(String user, Connection c) {
    Route route = routes.get(Addresses.presenceUser(user));
    if (route != null && route.contacts != null && route.contacts.remove(c)) {
      dropIfUnused(route);
    }
  }

  private void dropIfUnused(Route route) {
    if (route.unused()) {
      routes.remove(route.address);
      if (route.consumer != null) {
        route.consumer.unregister();
      }
      if (route.kind == Addresses.Kind.CHANNEL) {
        reach.forget(Addresses.parse(route.address).arg());
      }
    }
  }

  /** Presence events, channel messages and member events go out in order ({@link DeliveryOrder}); anything else as it comes. */
  private static boolean inOrder(Route route, JsonObject body) {
    if (route.kind == Addresses.Kind.PRESENCE_USER) {
      return route.order.acceptVersion(body.getLong("version", 0L));
    }
    if (route.kind == Addresses.Kind.CHANNEL && body.getValue("seq") instanceof Number seq) {
      return route.order.acceptSeq(seq.longValue(), body.getString("epoch"));
    }
    if (route.kind == Addresses.Kind.MEMBERS && body.getValue("version") instanceof Number version && body.getValue("userId") instanceof String user) {
      if (route.members == null) {
        route.members = new DeliveryOrder.PerUser();
      }
      return route.members.accept(user, version.longValue());
    }
    return true;
  }

  public int addresses() {
    return routes.size();
  }

  /** The users whose presence local clients watch. */
  public java.util.List<String> watchedUsers() {
    return routes.values().stream().filter(r -> r.kind == Addresses.Kind.PRESENCE_USER)
        .map(r -> Addresses.parse(r.address).arg()).toList();
  }

  /**
   * Delivers a user's current presence to the local clients watching it as the newest, whatever
   * version they saw: after a network split healed, the versions the two sides counted up do not
   * compare, and the merged record is the truth.
   */
  public void resync(String userId, JsonObject presence) {
    Route route = routes.get(Addresses.presenceUser(userId));
    if (route != null) {
      route.order.reset();
      route.order.acceptVersion(presence.getLong("version", 0L));
      Buffer frame = Frame.rec(Addresses.presenceUser(userId), presence);
      route.subscribers.forEach(c -> c.write(frame));
      toContacts(route, presence);
    }
  }

  /** A user's presence event to those who follow the user as a contact: one frame for them all. */
  private static int toContacts(Route route, Object event) {
    if (route.contacts == null || route.contacts.isEmpty()) {
      return 0;
    }
    Buffer frame = Frame.rec(Addresses.PRESENCE_CONTACTS, event);
    route.contacts.forEach(c -> c.write(frame));
    return route.contacts.size();
  }

  /**
   * A channel message goes out in its short form ({@link Frame#channelMessage}) to whoever already
   * had its epoch, and in its long form to new subscribers and to everyone when the epoch changed.
   * Those who asked for deltas and hold the message before it (they had its epoch and are not new:
   * a route delivers every message it accepts to every subscriber, in seq order, but those sent it
   * from the log already) get its delta form ({@link Frame#channelDelta}) instead of the short one,
   * when {@link ChannelDelta} finds a patch worth it: it gives none after a hole, which nobody here
   * holds the message before of. Returns how many subscribers it skipped (they had it from the log).
   */
  private int deliverMessage(String address, Route route, JsonObject m) {
    String epoch = m.getString("epoch");
    long seq = m.getLong("seq");
    if (route.ahead != null && !Objects.equals(epoch, route.aheadEpoch)) {
      route.ahead = null; // what they were sent was of another epoch
    }
    Map<Connection, Long> ahead = route.ahead;
    Buffer full = null;
    Buffer compact = null;
    boolean newEpoch = !Objects.equals(epoch, route.epoch);
    route.epoch = epoch;
    boolean anyFresh = route.fresh != null && !route.fresh.isEmpty();
    Buffer deltaFrame = route.delta == null ? null : deltaFrame(address, route, m, seq, newEpoch, anyFresh);
    int skipped = 0;
    int deltas = 0;
    for (Connection c : route.subscribers) {
      if (ahead != null && ahead.containsKey(c) && seq <= ahead.get(c)) {
        skipped++; // it was sent this one from the log already
      } else if (newEpoch || anyFresh && route.fresh.contains(c)) {
        if (full == null) {
          full = Frame.rec(address, m);
        }
        c.write(full);
      } else if (deltaFrame != null && route.deltas.contains(c)) {
        c.write(deltaFrame); // it holds seq - 1: it had every message of this epoch since it subscribed, or the log's latest
        deltas++;
      } else {
        if (compact == null) {
          compact = Frame.channelMessage(address, m);
        }
        c.write(compact);
      }
    }
    if (deltas > 0) {
      int whole = compact != null ? compact.length() : Frame.channelMessage(address, m).length();
      metrics.deltaDeliveries.increment(deltas);
      metrics.deltaSavedBytes.increment((double) deltas * (whole - deltaFrame.length()));
    }
    if (route.fresh != null) {
      route.fresh.clear();
    }
    if (ahead != null) {
      ahead.values().removeIf(sent -> sent <= seq);
      if (ahead.isEmpty()) {
        route.ahead = null;
      }
    }
    return skipped;
  }

  /**
   * The message's delta form, when some subscriber asked for deltas and holds the message before
   * (not new, same epoch) and {@link ChannelDelta} finds a patch worth it; null otherwise. Every
   * message delivered is remembered as the next one's base.
   */
  private static Buffer deltaFrame(String address, Route route, JsonObject m, long seq, boolean newEpoch, boolean anyFresh) {
    boolean wanted = false;
    if (!newEpoch) {
      for (Connection c : route.deltas) {
        if (!anyFresh || !route.fresh.contains(c)) {
          wanted = true;
          break;
        }
      }
    }
    byte[] data = io.vertx.core.json.Json.encodeToBuffer(m.getValue("data")).getBytes();
    ChannelDelta.Result r = route.delta.next(m.getString("epoch"), seq, data, wanted);
    return r.outcome() == ChannelDelta.Outcome.PATCH ? Frame.channelDelta(address, m, r.patch()) : null;
  }

  private void deliver(String address, Route route, Message<Object> msg) {
    if (msg.body() instanceof JsonObject body && !inOrder(route, body)) {
      return;
    }
    int skipped = 0;
    if (route.kind == Addresses.Kind.CHANNEL && msg.body() instanceof JsonObject m && m.getValue("seq") instanceof Number) {
      skipped = deliverMessage(address, route, m);
    } else if (!route.subscribers.isEmpty()) {
      Buffer frame = Frame.rec(address, msg.body());
      for (Connection c : route.subscribers) {
        c.write(frame);
      }
    }
    metrics.deliveries.increment(route.subscribers.size() - skipped + toContacts(route, msg.body()));
    if (LOG.isDebugEnabled() && msg.body() instanceof JsonObject body && body.containsKey("traceId")) {
      Trace.with(LOG.atDebug(), body.getString("traceId")).log("delivered {} seq {} to {} local subscribers",
          address, body.getValue("seq"), route.subscribers.size());
    }
  }
}
