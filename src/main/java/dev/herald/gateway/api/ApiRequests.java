package dev.herald.gateway.api;

import dev.herald.config.HeraldConfig;
import dev.herald.gateway.edge.Responses;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Headers;
import dev.herald.protocol.JsonShape;
import dev.herald.protocol.Names;
import dev.herald.token.Principal;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * What every HTTP API handler reads of its request and how it answers: the caller and trace id
 * {@link HttpApi} authenticated, path names and numbers checked, the JSON body within its shape
 * bounds, the bus options that carry who asks, and a service's answer (or refusal) as JSON.
 */
public final class ApiRequests {

  static final String PRINCIPAL = "herald.api.principal";
  static final String TRACE = "herald.api.trace";
  /** Whether {@link #TRACE} is the caller's own (X-Trace-Id). */
  static final String TRACED = "herald.api.traced";

  private final HeraldConfig config;

  ApiRequests(HeraldConfig config) {
    this.config = config;
  }

  /**
   * A request's message record, read by {@code read} (a record's {@code fromJson} or constructor,
   * the one validation of its shape); null once a refusal was answered (its code and reason).
   */
  static <T> T parsed(RoutingContext ctx, java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (io.vertx.core.eventbus.ReplyException e) {
      Responses.error(ctx, e);
      return null;
    }
  }

  static void answer(RoutingContext ctx, Future<JsonObject> reply, int status) {
    reply.onComplete(ar -> {
      if (ar.failed()) {
        Responses.error(ctx, ErrorCode.asReply(ar.cause()));
      } else {
        Responses.json(ctx, status, ar.result());
      }
    });
  }

  DeliveryOptions options(RoutingContext ctx) {
    Principal p = ctx.get(PRINCIPAL);
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(config.bridge().replyTimeoutMs())
        .addHeader(Headers.USER_ID, p.userId()).addHeader(Headers.TRACE_ID, ctx.get(TRACE));
    if (Boolean.TRUE.equals(ctx.get(TRACED))) {
      options.addHeader(Headers.TRACED, "1");
    }
    if (p.isService()) {
      options.addHeader(Headers.SERVICE, "1");
    }
    return options;
  }

  static String channel(RoutingContext ctx) {
    String c = ctx.pathParam("name");
    if (Names.RESERVED_CHANNELS.contains(c)) {
      Responses.error(ctx, ErrorCode.BAD_REQUEST.exception("channel name '" + c + "' is reserved (it would collide with the address rt.channel." + c + ")"));
      return null;
    }
    if (!Names.isChannel(c)) {
      Responses.error(ctx, ErrorCode.BAD_REQUEST.exception("channel names are 1-" + Names.MAX_CHANNEL + " characters of [A-Za-z0-9_.:@,-]"));
      return null;
    }
    return c;
  }

  static String user(RoutingContext ctx) {
    String u = ctx.pathParam("user");
    if (!Names.isUserId(u)) {
      Responses.error(ctx, ErrorCode.BAD_REQUEST.exception("user ids are 1-128 characters of [A-Za-z0-9_.@:-]"));
      return null;
    }
    return u;
  }

  static Long number(RoutingContext ctx, String name, long def) {
    String v = ctx.request().getParam(name);
    if (v == null) {
      return def;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  JsonObject jsonBody(RoutingContext ctx) {
    JsonObject b = null;
    try {
      b = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      // reported below
    }
    if (b == null) {
      Responses.error(ctx, ErrorCode.BAD_REQUEST.exception("the body must be a JSON object"));
    } else {
      String refused = JsonShape.refusal(b, config.http().maxJsonDepth() + 1);
      if (refused != null) {
        Responses.error(ctx, ErrorCode.BAD_REQUEST.exception(JsonShape.explain(refused, config.http().maxJsonDepth())));
        return null;
      }
    }
    return b;
  }
}
