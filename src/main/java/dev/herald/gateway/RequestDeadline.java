package dev.herald.gateway;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.Map;

/**
 * Closes HTTP connections that hold a file descriptor without sending a whole request: opened and
 * silent, sending headers a byte at a time, or idle after their last answer, for longer than
 * {@code http.requestTimeoutSeconds}. Vert.x calls the request handler only once the headers are
 * complete, so the clock runs from the connection's start (or its last answer) to the next
 * request. WebSockets stop the clock for good at the upgrade; their liveness is the bridge's.
 * One timer per connection while it waits, on the connection's event loop.
 */
final class RequestDeadline {

  private final Vertx vertx;
  private final long timeoutMs;
  private final Counter timeouts;
  private final Map<HttpConnection, Long> timers = new HashMap<>();

  RequestDeadline(Vertx vertx, long timeoutMs, Counter timeouts) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.timeouts = timeouts;
  }

  void opened(HttpConnection conn) {
    arm(conn);
    conn.closeHandler(v -> disarm(conn));
  }

  /** The first handler of every request: the clock stops, and starts again when the answer ends (unless it upgraded). */
  void started(RoutingContext ctx) {
    HttpConnection conn = ctx.request().connection();
    disarm(conn);
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.UPGRADE))) {
      ctx.addEndHandler(ar -> {
        if (ar.succeeded() && !timers.containsKey(conn)) {
          arm(conn);
        }
      });
    }
    ctx.next();
  }

  private void arm(HttpConnection conn) {
    timers.put(conn, vertx.setTimer(timeoutMs, id -> {
      if (timers.remove(conn) != null) {
        timeouts.increment();
        conn.close();
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
