package dev.herald.protocol.message;

import io.vertx.core.json.JsonObject;

/**
 * A backend-health notice on {@code rt.notices} (docs/protocol.md, "Backend-health notices"): a
 * dependency the node's clients rely on is degraded, or no longer is:
 * {@code {"type": "degraded"|"recovered", "what", "state"?, "since", "at"}}.
 *
 * @param what  what is degraded: {@code proxy connect}, {@code webhook <url>}, {@code cluster majority}, {@code node draining}
 * @param state how, while degraded ({@code open}, {@code half_open}, {@code lost}, {@code draining}); null once recovered
 * @param since when it became degraded (ms since the epoch)
 * @param at    when this notice was raised
 */
public record Notice(String what, String state, long since, long at) {

  public boolean degraded() {
    return state != null;
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("type", degraded() ? "degraded" : "recovered").put("what", what).put("since", since).put("at", at);
    return degraded() ? j.put("state", state) : j;
  }
}
