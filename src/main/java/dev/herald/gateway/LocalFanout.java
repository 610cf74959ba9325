package dev.herald.gateway;

import dev.herald.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Client subscriptions kept node-local: one event-bus consumer per address per gateway instance,
 * added with the first local subscriber and removed with the last, re-delivering to every local
 * connection. The bare bridge registers one cluster-wide consumer per socket instead, which costs
 * a Hazelcast entry per socket and CPU on every node at each connect or disconnect (VERTX5-NOTES.md).
 * Each message is encoded once and the same frame written to every subscriber. Presence events
 * older than the last one delivered on their address are dropped, so watchers see versions in order.
 */
final class LocalFanout {

  private static final class Route {
    final Set<Connection> subscribers = new LinkedHashSet<>();
    MessageConsumer<Object> consumer;
    /** For presence addresses: the newest version delivered; older events are dropped. */
    long version = -1;
  }

  private final EventBus eventBus;
  private final Map<String, Route> routes = new HashMap<>();

  LocalFanout(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  /** Completes once messages on {@code address} reach {@code c} (the consumer is registered cluster-wide). */
  Future<Void> subscribe(String address, Connection c) {
    Route route = routes.get(address);
    if (route == null) {
      Route r = new Route();
      r.consumer = eventBus.consumer(address, msg -> deliver(address, r, msg));
      routes.put(address, r);
      route = r;
    }
    route.subscribers.add(c);
    return route.consumer.completion();
  }

  void unsubscribe(String address, Connection c) {
    Route route = routes.get(address);
    if (route != null && route.subscribers.remove(c) && route.subscribers.isEmpty()) {
      routes.remove(address);
      route.consumer.unregister();
    }
  }

  int addresses() {
    return routes.size();
  }

  private static void deliver(String address, Route route, Message<Object> msg) {
    if (msg.body() instanceof JsonObject event && address.startsWith(Addresses.PRESENCE_USER_PREFIX)) {
      // two nodes may publish changes of one user at once; watchers see them in version order
      long v = event.getLong("version", 0L);
      if (v <= route.version) {
        return;
      }
      route.version = v;
    }
    Buffer frame = Frame.rec(address, msg.body());
    for (Connection c : route.subscribers) {
      c.write(frame);
    }
  }
}
