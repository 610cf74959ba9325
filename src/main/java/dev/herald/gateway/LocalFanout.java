package dev.herald.gateway;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Client subscriptions kept node-local: one event-bus consumer per address per gateway instance,
 * added with the first local subscriber and removed with the last, re-delivering to every local
 * connection. The bare bridge registers one cluster-wide consumer per socket instead, which costs
 * a Hazelcast entry per socket and CPU on every node at each connect or disconnect (VERTX5-NOTES.md).
 * Each message is encoded once and the same frame written to every subscriber.
 */
final class LocalFanout {

  private static final class Route {
    final Set<Connection> subscribers = new LinkedHashSet<>();
    MessageConsumer<Object> consumer;
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
    Buffer frame = Frame.rec(address, msg.body());
    for (Connection c : route.subscribers) {
      c.write(frame);
    }
  }
}
