package dev.herald.protocol.message;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A webhook event (docs/protocol.md section 5) as it travels to a webhook verticle on
 * {@code herald.webhook.event} and then, as the same JSON, to each receiver:
 * {@code {"id", "type", "ts", "node", "data"}}.
 *
 * @param id   stable for a change that has a name ({@link #of}), so a receiver drops a repeat
 * @param type one of {@link dev.herald.protocol.WebhookEvents}' types
 * @param ts   when it was raised (ms since the epoch)
 * @param node the node that raised it
 */
public record WebhookEvent(String id, String type, long ts, String node, JsonObject data) {

  /**
   * An event; {@code key} names the change it reports (a user's presence version), so that the same
   * change raised again (after a failover, by another node) carries the same {@code id} and a
   * receiver drops the second; null when the change has no such name (a random id).
   */
  public static WebhookEvent of(String type, JsonObject data, String node, long ts, String key) {
    String id = key == null ? UUID.randomUUID().toString() : UUID.nameUUIDFromBytes((type + "\n" + key).getBytes(StandardCharsets.UTF_8)).toString();
    return new WebhookEvent(id, type, ts, node, data);
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("type", type).put("ts", ts).put("node", node).put("data", data);
  }

  /** Read from the bus: written by {@link #toJson} on another node of the cluster. */
  public static WebhookEvent fromJson(JsonObject j) {
    return new WebhookEvent(j.getString("id"), j.getString("type"), j.getLong("ts", 0L), j.getString("node"), j.getJsonObject("data"));
  }
}
