package dev.herald.protocol.message;

import io.vertx.core.json.JsonObject;

/**
 * A user's presence as clients, backends and webhooks get it (docs/protocol.md, "Payloads"):
 * {@code {"userId", "status", "since", "lastSeen", "connections", "version"}}; a presence event
 * adds {@code previous}, the status it left ({@link #event}).
 *
 * @param status {@code online}, {@code busy}, {@code away} or {@code offline}
 */
public record Presence(String userId, String status, long since, long lastSeen, int connections, long version) {

  public JsonObject toJson() {
    return new JsonObject().put("userId", userId).put("status", status).put("since", since)
        .put("lastSeen", lastSeen).put("connections", connections).put("version", version);
  }

  /** The presence event on {@code rt.presence.user.<user>}: this presence and the status before it. */
  public JsonObject event(String previous) {
    return toJson().put("previous", previous);
  }
}
