package dev.herald.gateway.bridge;

import dev.herald.bus.Requests;
import dev.herald.config.BridgeConfig;
import dev.herald.gateway.connection.BridgeMetrics;
import dev.herald.gateway.connection.Connection;
import dev.herald.observability.TraceIds;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.Addresses.Target;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Frame;
import dev.herald.protocol.message.Session;
import dev.herald.protocol.Headers;
import dev.herald.token.Principal;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * A client's permitted sends and requests to Herald's services: who asks and the trace id go
 * along as headers, the per-connection publish rate and pending-replies limits apply to every
 * send, with or without a reply address (a send without one is still a request the server
 * works on; its failure comes back as an {@code err} on the address), and a status change or
 * publish is answered before the connection's next frame is handled.
 */
public final class Sends {

  private final Vertx vertx;
  private final BridgeConfig config;
  private final BridgeMetrics metrics;
  private final Handler<Connection> onRefreshed;

  Sends(Vertx vertx, BridgeConfig config, BridgeMetrics metrics, Handler<Connection> onRefreshed) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.onRefreshed = onRefreshed;
  }

  /**
   * Handles a {@code send} or {@code publish} frame; the future completes when the connection's
   * next frame may be handled. {@code before}, when not null, turns the body into the one sent once
   * the limits passed (the publish proxy: the backend may refuse or change it), or fails with the
   * answer the client gets.
   */
  Future<Void> send(Connection c, Frame frame, Target target, java.util.function.Function<Object, Future<Object>> before) {
    if (overLimits(c, frame, target)) {
      return Future.succeededFuture();
    }
    String traced = TraceIds.given(frame.headers());
    DeliveryOptions opts = new DeliveryOptions()
        .setSendTimeout(config.replyTimeoutMs())
        .addHeader(Headers.USER_ID, c.principal.userId())
        .addHeader(Headers.CONNECTION_ID, c.id)
        .addHeader(Headers.TRACE_ID, traced != null ? traced : c.id);
    if (traced != null) {
      opts.addHeader(Headers.TRACED, "1");
    }
    c.pendingReplies++;
    Future<Message<Object>> asked = before == null ? Requests.localFirst(vertx.eventBus(), frame.address(), frame.body(), opts)
        : before.apply(frame.body()).compose(b -> Requests.localFirst(vertx.eventBus(), frame.address(), b, opts));
    Future<Void> answered = asked.onComplete(ar -> {
      c.pendingReplies--;
      if (ar.failed()) {
        c.write(Frame.refusal(frame, ErrorCode.asReply(ar.cause())));
        return;
      }
      metrics.replies.increment();
      Object answer = target.kind() == Addresses.Kind.AUTH_REFRESH ? adoptRefreshedToken(c, ar.result()) : ar.result().body();
      if (frame.replyAddress() != null) {
        Buffer out = Frame.rec(frame.replyAddress(), answer);
        c.answerBucket(config.answerBytesPerSecond()).charge(out.length(), System.nanoTime());
        c.write(out);
      }
    }).transform(ar -> Future.<Void>succeededFuture());
    // a connection's status changes and publishes take effect in the order it sent them: its next
    // frame waits for this answer (Hazelcast retries an operation that meets a partition migration,
    // and a later one sent meanwhile would overtake it)
    return target.kind() == Addresses.Kind.PRESENCE_SET || target.kind() == Addresses.Kind.CHANNEL_PUBLISH
        ? answered : Future.succeededFuture();
  }

  /** {@code rt.session}'s answer: what {@code c} is, as this gateway knows. */
  static JsonObject session(Connection c) {
    return new Session(c.principal.userId(), c.id, c.principal.exp(), c.proxied, c.connectData, c.principal.subscribe(),
        c.channelData == null ? java.util.Map.of() : c.channelData).toJson();
  }

  /**
   * A request's bounds, refused (and true) when over one: publishes, RPCs and contact lists share
   * the per-connection publish rate; every request the pending-replies bound and the answer bytes.
   */
  boolean overLimits(Connection c, Frame frame, Target target) {
    Addresses.Kind k = target.kind();
    if ((k == Addresses.Kind.CHANNEL_PUBLISH || k == Addresses.Kind.RPC || k == Addresses.Kind.CONTACTS)
        && !c.publishBucket(config.publishPerSecond()).tryTake(System.nanoTime())) {
      metrics.limited(BridgeMetrics.Bound.PUBLISHES);
      c.refuse(frame, ErrorCode.RATE_LIMITED.exception("at most " + config.publishPerSecond() + " publishes, RPCs and contact lists a second per connection"), metrics);
      return true;
    }
    if (c.pendingReplies >= config.maxPendingReplies()) {
      metrics.limited(BridgeMetrics.Bound.PENDING_REPLIES);
      c.refuse(frame, ErrorCode.RATE_LIMITED.exception("at most " + config.maxPendingReplies() + " requests waiting per connection"), metrics);
      return true;
    }
    return answersSpent(c, frame);
  }

  /**
   * Answers a request here, without the bus ({@code rt.session}): charged to the connection's answer
   * bytes as any answer; a send without a reply address gets nothing.
   */
  Future<Void> answer(Connection c, Frame frame, Object body) {
    if (frame.replyAddress() != null && !answersSpent(c, frame)) {
      Buffer out = Frame.rec(frame.replyAddress(), body);
      c.answerBucket(config.answerBytesPerSecond()).charge(out.length(), System.nanoTime());
      c.write(out);
      metrics.replies.increment();
    }
    return Future.succeededFuture();
  }

  /**
   * What a connection is answered (history pages, member lists) is paid for by the bytes: a request
   * worth 100 bytes may not buy megabytes of answers, over and over. True (and refused) when spent.
   */
  private boolean answersSpent(Connection c, Frame frame) {
    if (c.answerBucket(config.answerBytesPerSecond()).available(System.nanoTime()) >= 1) {
      return false;
    }
    metrics.limited(BridgeMetrics.Bound.ANSWER_BYTES);
    c.refuse(frame, ErrorCode.RATE_LIMITED.exception("answers are limited to " + config.answerBytesPerSecond() + " bytes a second per connection"), metrics);
    return true;
  }

  /**
   * The auth service checked the new token is valid and for this user; the connection now runs on
   * it, and registrations its rights no longer allow are dropped.
   */
  private JsonObject adoptRefreshedToken(Connection c, Message<Object> reply) {
    JsonObject body = (JsonObject) reply.body();
    c.principal = Principal.fromClaims(body.getJsonObject("principal"));
    c.expiryNoticeSent = false;
    onRefreshed.handle(c);
    return new JsonObject().put("exp", c.principal.exp());
  }
}
