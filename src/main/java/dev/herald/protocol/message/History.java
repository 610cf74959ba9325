package dev.herald.protocol.message;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The answer to a {@link HistoryQuery}: {@code {"channel", "epoch", "messages", "nextSeq",
 * "recovered"}}; {@code epoch} null, no messages and {@code nextSeq} 1 for a channel with no log.
 */
public record History(String channel, String epoch, List<ChannelMessage> messages, long nextSeq, boolean recovered) {

  /** A channel where nothing was published (or whose log was lost): recovered only from the start. */
  public static History none(HistoryQuery q) {
    return new History(q.channel(), null, List.of(), 1, q.since() == 0);
  }

  public JsonObject toJson() {
    JsonArray out = new JsonArray();
    messages.forEach(m -> out.add(m.toJson()));
    return new JsonObject().put("channel", channel).put("epoch", epoch).put("messages", out).put("nextSeq", nextSeq).put("recovered", recovered);
  }
}
