package dev.herald.protocol.message;

import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Names;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * {@code rt.channel.history} {@code {"channel", "since", "limit"?}}: the messages after seq
 * {@code since}, at most {@code limit} ({@value #DEFAULT_LIMIT} unless given, at most
 * {@value #MAX_LIMIT}).
 */
public record HistoryQuery(String channel, long since, int limit) {

  public static final int MAX_LIMIT = 1000;
  public static final int DEFAULT_LIMIT = 100;
  static final String SHAPE = "{\"channel\", \"since\": whole number >= 0, \"limit\"?: 1-" + MAX_LIMIT + "}";

  /** @throws ReplyException 400 {@code bad_request} */
  public HistoryQuery {
    if (!Names.isChannel(channel)) {
      throw ErrorCode.BAD_REQUEST.exception("body.channel must be a channel name");
    }
    if (since < 0 || limit < 1 || limit > MAX_LIMIT) {
      throw ErrorCode.BAD_REQUEST.exception("a history query is " + SHAPE);
    }
  }

  /** @throws ReplyException 400 {@code bad_request}: not an object, or a number that is not whole */
  public static HistoryQuery fromJson(Object body) {
    if (!(body instanceof JsonObject b) || !(b.getValue("since") instanceof Number s) || !whole(s)
        || !(b.getValue("limit", DEFAULT_LIMIT) instanceof Number l) || !whole(l) || l.doubleValue() > MAX_LIMIT) {
      throw ErrorCode.BAD_REQUEST.exception("a history query is " + SHAPE);
    }
    Object channel = b.getValue("channel");
    return new HistoryQuery(channel instanceof String c ? c : null, s.longValue(), l.intValue());
  }

  private static boolean whole(Number n) {
    double d = n.doubleValue();
    return d == Math.rint(d) && !Double.isInfinite(d);
  }

  public JsonObject toJson() {
    return new JsonObject().put("channel", channel).put("since", since).put("limit", limit);
  }
}
