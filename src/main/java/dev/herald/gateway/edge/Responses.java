package dev.herald.gateway.edge;

import dev.herald.protocol.ErrorCode;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** JSON answers of the HTTP endpoints, and errors as {@code {"error", "code", "message"}} with the code's HTTP status. */
public final class Responses {

  private Responses() {
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
  }

  public static void error(RoutingContext ctx, ReplyException e) {
    json(ctx, ErrorCode.of(e.failureCode()).httpStatus, ErrorCode.toJson(e));
  }
}
