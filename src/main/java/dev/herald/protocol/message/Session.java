package dev.herald.protocol.message;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The answer to {@code rt.session} (docs/protocol.md, "Backend proxies"): what this connection is,
 * as the gateway holding it knows:
 * {@code {"user", "connId", "expireAt", "proxied", "data"?, "subscribed", "channelData"}}.
 *
 * @param expireAt    when the connection ends unless refreshed (seconds)
 * @param proxied     whether the connect proxy let it in (no token)
 * @param data        what the connect proxy's answer handed the client, or null
 * @param subscribed  the channels the server subscribed it to (the token's or the grant's {@code subscribe})
 * @param channelData for each channel the subscribe proxy granted with {@code data}, that data
 */
public record Session(String user, String connId, long expireAt, boolean proxied, Object data, List<String> subscribed,
                      Map<String, Object> channelData) {

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("user", user).put("connId", connId).put("expireAt", expireAt).put("proxied", proxied)
        .put("subscribed", new JsonArray(new ArrayList<>(subscribed))).put("channelData", new JsonObject(Map.copyOf(channelData)));
    return data == null ? j : j.put("data", data);
  }
}
