package dev.herald.gateway.edge;

import dev.herald.config.HttpConfig;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.TimeoutHandler;

/**
 * How every request body is read: in memory up to a limit, never written to disk (uploads off: a
 * multipart request's files are dropped unread, so nobody can fill the disk, signed in or not),
 * and within {@code http.requestTimeoutSeconds} (a body that stops coming is answered 408).
 */
public final class Bodies {

  private Bodies() {
  }

  public static Route on(Route route, long limit, HttpConfig http) {
    return route.handler(TimeoutHandler.create(http.requestTimeoutSeconds() * 1000L, 408))
        .handler(BodyHandler.create(false).setBodyLimit(limit));
  }
}
