package dev.herald.protocol.message;

import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Names;
import dev.herald.protocol.Utf8;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;


/**
 * {@code rt.channel.publish} {@code {"channel", "data", "id"?}}: a message for a channel, from a
 * client through the bridge or from a backend through the HTTP API.
 *
 * @param data the message's data as encoded JSON (what is stored and counted against the limit)
 * @param id   the publisher's idempotency key, or null
 */
public record Publish(String channel, String data, String id) {

  public Publish {
    if (!Names.isChannel(channel)) {
      throw ErrorCode.BAD_REQUEST.exception("body.channel must be a channel name");
    }
    if (id != null && !Names.isMessageId(id)) {
      throw ErrorCode.BAD_REQUEST.exception("id must be 1-" + Names.MAX_MESSAGE_ID + " characters of [A-Za-z0-9_.:-]");
    }
  }

  /**
   * The request as a client or backend sent it, its data at most {@code maxDataBytes} encoded
   * (UTF-8). {@code body} may be anything a client sent.
   *
   * @throws ReplyException 400 {@code bad_request} or 413 {@code too_large}, saying why
   */
  public static Publish fromJson(Object body, int maxDataBytes) {
    if (!(body instanceof JsonObject b) || !b.containsKey("data")) {
      throw ErrorCode.BAD_REQUEST.exception("body must be {\"channel\", \"data\", \"id\"?}");
    }
    Object id = b.getValue("id");
    if (id != null && !(id instanceof String)) {
      throw ErrorCode.BAD_REQUEST.exception("id must be 1-" + Names.MAX_MESSAGE_ID + " characters of [A-Za-z0-9_.:-]");
    }
    Object channel = b.getValue("channel");
    String data = Json.encode(b.getValue("data"));
    Publish p = new Publish(channel instanceof String c ? c : null, data, (String) id);
    if (Utf8.length(data) > maxDataBytes) {
      throw ErrorCode.TOO_LARGE.exception("data is limited to " + maxDataBytes + " bytes (UTF-8, as encoded)");
    }
    return p;
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("channel", channel).put("data", Json.decodeValue(data));
    return id == null ? j : j.put("id", id);
  }

  /** The channel a request names, when it names a valid one (a permission check before the whole request is read). */
  public static String channelOf(Object body) {
    return body instanceof JsonObject b && b.getValue("channel") instanceof String c && Names.isChannel(c) ? c : null;
  }
}
