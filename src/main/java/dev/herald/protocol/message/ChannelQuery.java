package dev.herald.protocol.message;

import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Names;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/** {@code {"channel"}}: a question about one channel ({@code rt.channel.members}, the channel info of the HTTP API). */
public record ChannelQuery(String channel) {

  /** @throws ReplyException 400 {@code bad_request} */
  public ChannelQuery {
    if (!Names.isChannel(channel)) {
      throw ErrorCode.BAD_REQUEST.exception("body.channel must be a channel name");
    }
  }

  /** @throws ReplyException 400 {@code bad_request} */
  public static ChannelQuery fromJson(Object body) {
    return new ChannelQuery(body instanceof JsonObject b && b.getValue("channel") instanceof String c ? c : null);
  }

  public JsonObject toJson() {
    return new JsonObject().put("channel", channel);
  }
}
