package dev.herald.protocol.message;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * A channel message as subscribers and history readers get it (docs/protocol.md, "Payloads"):
 * {@code {"channel", "seq", "epoch", "ts", "from"?, "data", "traceId"?}}, {@code from} and
 * {@code traceId} only when it has them.
 *
 * @param data the data as encoded JSON, as stored
 */
public record ChannelMessage(String channel, long seq, String epoch, long ts, String from, String data, String traceId) {

  public JsonObject toJson() {
    JsonObject m = new JsonObject().put("channel", channel).put("seq", seq).put("epoch", epoch).put("ts", ts);
    if (from != null) {
      m.put("from", from);
    }
    m.put("data", Json.decodeValue(data));
    if (traceId != null) {
      m.put("traceId", traceId);
    }
    return m;
  }
}
