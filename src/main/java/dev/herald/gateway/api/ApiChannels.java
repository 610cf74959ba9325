package dev.herald.gateway.api;

import dev.herald.bus.ChannelClient;
import dev.herald.config.HeraldConfig;
import dev.herald.gateway.edge.Responses;
import dev.herald.gateway.edge.TokenBucket;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.message.ChannelQuery;
import dev.herald.protocol.message.HistoryQuery;
import dev.herald.protocol.message.Publish;
import dev.herald.protocol.message.Published;
import dev.herald.token.Principal;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;

/** The HTTP API's channel endpoints (docs/protocol.md, section 4): publish (to one or many), history, members, the channel's info. */
public final class ApiChannels {

  private final HeraldConfig config;
  private final ApiRequests req;
  private final ChannelClient channels;
  /** The callers' rate buckets ({@link HttpApi}'s): a publish to many channels is charged for each. */
  private final Map<String, TokenBucket> buckets;

  ApiChannels(HeraldConfig config, ApiRequests req, ChannelClient channels, Map<String, TokenBucket> buckets) {
    this.config = config;
    this.req = req;
    this.channels = channels;
    this.buckets = buckets;
  }

  void publish(RoutingContext ctx) {
    String channel = ApiRequests.channel(ctx);
    JsonObject body = req.jsonBody(ctx);
    if (channel == null || body == null) {
      return;
    }
    Publish publish = ApiRequests.parsed(ctx, () -> Publish.fromJson(body.copy().put("channel", channel), config.broadcast().maxDataBytes()));
    if (publish == null) {
      return;
    }
    ApiRequests.answer(ctx, channels.publish(publish, req.options(ctx)).map(Published::toJson), 201);
  }

  /** Most channels one {@code POST /api/v1/publish} or {@code POST /api/v1/channels/info} names. */
  static final int MAX_CHANNELS_PER_CALL = 100;

  /**
   * One message to many channels: {@code {"channels": [...], "data", "id"?}}, each stored and
   * acknowledged on its own (the same {@code id} in each channel is one message there); 200 with a
   * result per channel, in order: {@code {"channel", "seq"}} or {@code {"channel", "error": {...}}}.
   */
  void publishMany(RoutingContext ctx) {
    forEachChannel(ctx, ", \"data\", \"id\"?", "a publish", "results",
        (body, name) -> Publish.fromJson(body.copy().put("channel", name), config.broadcast().maxDataBytes()), Publish::channel,
        (p, opts) -> channels.publish(p, opts).map(Published::toJson));
  }

  /**
   * The info of many channels: {@code {"channels": [...]}}, 200 {@code {"channels": [info or
   * {"channel", "error"}]}} in order, each as {@code GET /api/v1/channels/{name}} answers.
   */
  void channelsInfo(RoutingContext ctx) {
    forEachChannel(ctx, "", "an info request", "channels", (body, name) -> new ChannelQuery(name), ChannelQuery::channel, channels::info);
  }

  /**
   * A call about each of {@code body.channels}: each read into a request ({@code read}, which may
   * refuse the whole call), the call charged for each, each asked on its own, and answered in order
   * under {@code key}, a failed one as {@code {"channel", "error"}}.
   */
  private <T> void forEachChannel(RoutingContext ctx, String rest, String what, String key, java.util.function.BiFunction<JsonObject, String, T> read,
                                  java.util.function.Function<T, String> channelOf,
                                  java.util.function.BiFunction<T, DeliveryOptions, Future<JsonObject>> ask) {
    JsonObject body = req.jsonBody(ctx);
    if (body == null) {
      return;
    }
    List<T> each = new java.util.ArrayList<>();
    try {
      for (String name : channelList(body, rest)) {
        each.add(read.apply(body, name));
      }
    } catch (ReplyException e) {
      Responses.error(ctx, e);
      return;
    }
    if (!chargedForEach(ctx, each.size(), what)) {
      return;
    }
    DeliveryOptions opts = req.options(ctx);
    List<Future<JsonObject>> answers = each.stream().map(t -> ask.apply(t, opts).otherwise(e -> new JsonObject().put("channel", channelOf.apply(t))
        .put("error", ErrorCode.toJson(ErrorCode.asReply(e))))).toList();
    Future.join(answers).onComplete(done -> Responses.json(ctx, 200,
        new JsonObject().put(key, new io.vertx.core.json.JsonArray(answers.stream().map(Future::result).toList()))));
  }

  /** {@code body.channels}: 1 to {@value #MAX_CHANNELS_PER_CALL} distinct strings (each checked as a name by its record). */
  private static List<String> channelList(JsonObject body, String rest) {
    if (!(body.getValue("channels") instanceof io.vertx.core.json.JsonArray names) || names.isEmpty() || names.size() > MAX_CHANNELS_PER_CALL
        || names.stream().distinct().count() != names.size() || !names.stream().allMatch(String.class::isInstance)) {
      throw ErrorCode.BAD_REQUEST.exception("body must be {\"channels\": 1-" + MAX_CHANNELS_PER_CALL + " distinct channel names" + rest + "}");
    }
    return names.stream().map(String.class::cast).toList();
  }

  /** A call about {@code n} channels is {@code n} requests: it paid for one, the others are charged to the caller's rate too. */
  private boolean chargedForEach(RoutingContext ctx, int n, String what) {
    Principal caller = ctx.get(ApiRequests.PRINCIPAL);
    TokenBucket bucket = buckets.get(caller.userId());
    if (bucket != null && bucket.available(System.nanoTime()) < n - 1) {
      Responses.error(ctx, ErrorCode.RATE_LIMITED.exception(what + " about " + n + " channels is " + n
          + " requests; at most " + config.http().apiRatePerSecond() + " a second per token"));
      return false;
    }
    if (bucket != null) {
      bucket.charge(n - 1, System.nanoTime());
    }
    return true;
  }

  void history(RoutingContext ctx) {
    String channel = ApiRequests.channel(ctx);
    if (channel == null) {
      return;
    }
    Long since = ApiRequests.number(ctx, "since", 0);
    Long limit = ApiRequests.number(ctx, "limit", HistoryQuery.DEFAULT_LIMIT);
    if (since == null || limit == null || limit > Integer.MAX_VALUE) {
      Responses.error(ctx, ErrorCode.BAD_REQUEST.exception("since and limit must be whole numbers"));
      return;
    }
    HistoryQuery query = ApiRequests.parsed(ctx, () -> new HistoryQuery(channel, since, limit.intValue()));
    if (query == null) {
      return;
    }
    ApiRequests.answer(ctx, channels.history(query, req.options(ctx)), 200);
  }

  void members(RoutingContext ctx) {
    String channel = ApiRequests.channel(ctx);
    if (channel != null) {
      ApiRequests.answer(ctx, channels.members(new ChannelQuery(channel), req.options(ctx)), 200);
    }
  }

  void channelInfo(RoutingContext ctx) {
    String channel = ApiRequests.channel(ctx);
    if (channel != null) {
      ApiRequests.answer(ctx, channels.info(new ChannelQuery(channel), req.options(ctx)), 200);
    }
  }
}
