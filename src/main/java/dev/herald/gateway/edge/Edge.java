package dev.herald.gateway.edge;

import dev.herald.config.HeraldConfig;
import dev.herald.observability.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.Router;

/**
 * What every TCP connection and every request meets before any route: the node's connection
 * bounds ({@link Admission}), the request deadline ({@link RequestDeadline}), the write deadline
 * ({@link WriteDeadline}), one spelling of each path and the anti-framing headers ({@link EdgeRules}).
 * One per gateway instance; the counts behind the bounds are the node's ({@link ConnectionCensus}).
 */
public final class Edge {

  private final ConnectionCensus census;
  private final Admission admission;
  private final RequestDeadline deadline;
  private final EdgeRules rules;
  private final long writeTimeoutMs;
  private final Counter writeTimeouts;

  public Edge(Vertx vertx, HeraldConfig config) {
    int maxConnections = config.http().connectionLimit(openFilesLimit());
    this.census = ConnectionCensus.of(vertx, maxConnections, config.http().maxConnectionsPerAddress(), config.bridge().maxConnectionsPerUser());
    this.admission = new Admission(vertx, census);
    this.deadline = new RequestDeadline(vertx, config.http().requestTimeoutSeconds() * 1000L);
    this.rules = new EdgeRules(config.http());
    this.writeTimeoutMs = config.http().requestTimeoutSeconds() * 1000L;
    this.writeTimeouts = Metrics.counter(vertx, "herald_write_timeouts",
        "connections closed for reading nothing of their output for http.requestTimeoutSeconds");
  }

  /** The node's connection counts, which the bridge counts its users in too. */
  public ConnectionCensus census() {
    return census;
  }

  /** The router's first handlers, before any route. */
  public void mount(Router router) {
    router.route().handler(admission::check).handler(deadline::started).handler(rules::check);
  }

  /** The HTTP server's connection handler: every accepted TCP connection, first. */
  public void opened(HttpConnection conn) {
    if (!admission.opened(conn)) {
      return;
    }
    deadline.opened(conn);
    if (conn instanceof io.vertx.core.net.impl.ConnectionBase base) {
      base.channelHandlerContext().pipeline().addFirst(WriteDeadline.NAME, new WriteDeadline(writeTimeoutMs, writeTimeouts));
      // the channel's own close: an upgrade hands the channel to a WebSocket connection, and the
      // HTTP connection's close handler never runs after it (the census kept every WebSocket)
      base.channelHandlerContext().channel().closeFuture().addListener(f -> closed(conn));
    } else {
      conn.closeHandler(v -> closed(conn));
    }
  }

  private void closed(HttpConnection conn) {
    deadline.closed(conn);
    admission.closed(conn);
  }

  /** The process's open-files limit, or 0 when the JVM does not tell. */
  private static long openFilesLimit() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount() : 0;
  }
}
