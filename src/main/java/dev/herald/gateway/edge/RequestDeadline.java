package dev.herald.gateway.edge;

import dev.herald.observability.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.Map;

/**
 * Closes HTTP connections that hold a file descriptor without sending a whole request: opened and
 * silent, sending headers a byte at a time, or idle after their last answer, for longer than
 * {@code http.requestTimeoutSeconds}. Vert.x calls the request handler only once the headers are
 * complete, so the clock runs from the connection's start (or its last answer) to the next
 * request. Only a request that did upgrade (answered 101) stops the clock for good, its liveness
 * then the bridge's: an {@code Upgrade} header on a plain route, answered, gets the deadline again
 * like any request.
 *
 * <p>A client that pipelines requests and never reads the answers would have them queue in the
 * connection's output without bound (Vert.x writes an answer whether or not the socket can take
 * it, then reads the next request). A request that finds the output over Netty's high-water mark
 * waits for it to drain before it is handled: the connection stops being read, TCP pushes back,
 * and one that never drains is closed by the write deadline ({@link WriteDeadline}). One timer per
 * connection while it waits for a request, on the connection's event loop.
 */
public final class RequestDeadline {

  private final Vertx vertx;
  private final long timeoutMs;
  private final Counter timeouts;
  private final Counter pipelinedUnread;
  private final Map<HttpConnection, Long> timers = new HashMap<>();

  RequestDeadline(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.timeouts = Metrics.counter(vertx, "herald_http_request_timeouts",
        "connections closed for not sending a whole request in http.requestTimeoutSeconds");
    this.pipelinedUnread = Metrics.counter(vertx, "herald_http_requests_held",
        "requests held until the connection's earlier answers were read (pipelining without reading)");
  }

  void opened(HttpConnection conn) {
    arm(conn);
  }

  void closed(HttpConnection conn) {
    disarm(conn);
  }

  /**
   * The first handler of every request: the clock stops; the request is handled once the
   * connection's earlier answers left, and the clock starts again when its answer ends (unless it
   * upgraded).
   */
  void started(RoutingContext ctx) {
    HttpConnection conn = ctx.request().connection();
    disarm(conn); // a whole request came
    if (ctx.response().writeQueueFull()) {
      // its handling waits for the earlier answers to be read; a connection that never reads them
      // is the write deadline's (WriteDeadline), which closes it whatever it was doing
      pipelinedUnread.increment();
      ctx.response().drainHandler(v -> begin(ctx, conn));
      return;
    }
    begin(ctx, conn);
  }

  private void begin(RoutingContext ctx, HttpConnection conn) {
    ctx.addEndHandler(ar -> {
      if (ar.succeeded() && ctx.response().getStatusCode() != 101 && !timers.containsKey(conn)) {
        arm(conn);
      }
    });
    ctx.next();
  }

  private void arm(HttpConnection conn) {
    timers.put(conn, vertx.setTimer(timeoutMs, id -> {
      if (timers.remove(conn) != null) {
        timeouts.increment();
        // past Vert.x's handler (its context closes towards the socket): Vert.x's own close waits
        // for what is queued to go out first, and a client that reads nothing would keep it for ever
        if (conn instanceof io.vertx.core.net.impl.ConnectionBase base) {
          base.channelHandlerContext().close();
        } else {
          conn.close();
        }
      }
    }));
  }

  private void disarm(HttpConnection conn) {
    Long t = timers.remove(conn);
    if (t != null) {
      vertx.cancelTimer(t);
    }
  }
}
