package dev.herald.gateway.edge;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many connections this node holds: TCP connections in all and per peer address (every HTTP
 * request, upgraded or not), and bridge connections per user. One per node, shared by its gateway
 * instances (each on its own event loop, hence the concurrent counts), so the bounds are the
 * node's, whichever instance a connection landed on. A count is taken only when the bound allows
 * it, and given back exactly once by the caller that took it.
 */
public final class ConnectionCensus implements Shareable {

  /** Why a connection was refused: a {@code reason} label of {@code herald_connections_refused_total}. */
  enum Refusal {
    NODE, ADDRESS, USER;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final int maxConnections;
  private final int maxPerAddress;
  private final int maxPerUser;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> perUser = new ConcurrentHashMap<>();

  ConnectionCensus(int maxConnections, int maxPerAddress, int maxPerUser) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
    this.maxPerUser = maxPerUser;
  }

  /** The node's census, made by the first gateway instance that asks. */
  static ConnectionCensus of(Vertx vertx, int maxConnections, int maxPerAddress, int maxPerUser) {
    return vertx.sharedData().<String, ConnectionCensus>getLocalMap("herald.gateway.census")
        .computeIfAbsent("census", k -> new ConnectionCensus(maxConnections, maxPerAddress, maxPerUser));
  }

  /** A TCP connection from {@code address} opened: null when counted, else why not (nothing counted). */
  Refusal opened(String address) {
    if (total.incrementAndGet() > maxConnections) {
      total.decrementAndGet();
      return Refusal.NODE;
    }
    if (!take(perAddress, address, maxPerAddress)) {
      total.decrementAndGet();
      return Refusal.ADDRESS;
    }
    return null;
  }

  /** A TCP connection that {@link #opened} counted closed. */
  void closed(String address) {
    give(perAddress, address);
    total.decrementAndGet();
  }

  /** A bridge connection of {@code user} opened: false when the user holds the most allowed here (nothing counted). */
  public boolean userOpened(String user) {
    return take(perUser, user, maxPerUser);
  }

  public void userClosed(String user) {
    give(perUser, user);
  }

  int maxConnections() {
    return maxConnections;
  }

  int maxPerAddress() {
    return maxPerAddress;
  }

  int connections() {
    return total.get();
  }

  int addresses() {
    return perAddress.size();
  }

  int users() {
    return perUser.size();
  }

  private static boolean take(ConcurrentHashMap<String, Integer> counts, String key, int max) {
    boolean[] taken = {false};
    counts.compute(key, (k, n) -> {
      int held = n == null ? 0 : n;
      taken[0] = held < max;
      return taken[0] ? held + 1 : n;
    });
    return taken[0];
  }

  private static void give(ConcurrentHashMap<String, Integer> counts, String key) {
    counts.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
  }
}
