package dev.herald.protocol.message;

import io.vertx.core.json.JsonObject;

/**
 * A webhook circuit changed state, published on {@code herald.webhook.breaker}:
 * {@code {"node", "url", "state"}}.
 *
 * @param url   the receiver's URL without credentials or query
 * @param state {@code open}, {@code half-open} or {@code closed}
 */
public record WebhookBreaker(String node, String url, String state) {

  public JsonObject toJson() {
    return new JsonObject().put("node", node).put("url", url).put("state", state);
  }
}
