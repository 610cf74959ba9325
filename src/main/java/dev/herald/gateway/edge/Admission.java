package dev.herald.gateway.edge;

import dev.herald.observability.Metrics;
import dev.herald.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The node's TCP connections against {@code http.maxConnections} and
 * {@code http.maxConnectionsPerAddress} ({@link ConnectionCensus}). A connection past the node's
 * bound is closed as it opens: the node keeps its last open files for the connections it holds.
 * One past its address's bound is kept just long enough to answer its first request 429 (or
 * until the request deadline), so a client learns why. Per gateway instance, on its event loop.
 */
public final class Admission {

  private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

  private final ConnectionCensus census;
  private final Map<HttpConnection, ConnectionCensus.Refusal> refused = new HashMap<>();
  private final Map<ConnectionCensus.Refusal, Counter> refusals = new EnumMap<>(ConnectionCensus.Refusal.class);
  private long lastWarning;

  Admission(Vertx vertx, ConnectionCensus census) {
    this.census = census;
    for (ConnectionCensus.Refusal r : ConnectionCensus.Refusal.values()) {
      refusals.put(r, Metrics.counter(vertx, "herald_connections_refused", "connections refused at a connection bound, by bound", "reason", r.label()));
    }
    Metrics.gauge(vertx, "herald_tcp_connections", "TCP connections the node holds (http.maxConnections)", census, ConnectionCensus::connections);
    Metrics.gauge(vertx, "herald_tcp_addresses", "peer addresses holding TCP connections", census, ConnectionCensus::addresses);
  }

  /** Every accepted TCP connection, first: false when it was closed at once. {@link #closed} when it closes. */
  boolean opened(HttpConnection conn) {
    String address = address(conn);
    ConnectionCensus.Refusal why = census.opened(address);
    if (why == null) {
      return true;
    }
    refusals.get(why).increment();
    long now = System.currentTimeMillis();
    if (now - lastWarning > 10_000) {
      lastWarning = now;
      LOG.warn("refusing connections: {} (http.maxConnections {}, http.maxConnectionsPerAddress {}; this one from {})",
          why == ConnectionCensus.Refusal.NODE ? "the node holds its most" : "an address holds its most", census.maxConnections(), census.maxPerAddress(), address);
    }
    if (why == ConnectionCensus.Refusal.NODE) {
      conn.close();
      return false;
    }
    refused.put(conn, why);
    return true;
  }

  /** A connection {@link #opened} kept closed. */
  void closed(HttpConnection conn) {
    if (refused.remove(conn) == null) {
      census.closed(address(conn));
    }
  }

  /** The router's first handler: the request of a connection refused at its opening is answered 429, and the connection closed. */
  void check(RoutingContext ctx) {
    if (refused.isEmpty() || !refused.containsKey(ctx.request().connection())) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("Connection", "close");
    Responses.error(ctx, ErrorCode.RATE_LIMITED.exception("at most " + census.maxPerAddress() + " connections per address"));
  }

  private static String address(HttpConnection conn) {
    SocketAddress peer = conn.remoteAddress();
    return peer == null || peer.host() == null ? "?" : peer.host();
  }
}
