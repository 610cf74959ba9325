package dev.herald.protocol.message;

import io.vertx.core.json.JsonObject;

/** The answer to a {@link Publish}: {@code {"channel", "seq"}}, once two members of the majority hold the message. */
public record Published(String channel, long seq) {

  public JsonObject toJson() {
    return new JsonObject().put("channel", channel).put("seq", seq);
  }

  public static Published fromJson(JsonObject j) {
    return new Published(j.getString("channel"), j.getLong("seq"));
  }
}
