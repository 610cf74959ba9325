package dev.herald.channel;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * One channel as the backend API shows it (docs/protocol.md, "HTTP API details"): its epoch and
 * last seq (null and 0 before its first message), how many users are subscribed across the
 * cluster, and where its log lives: the owner's Hazelcast address, then its backups'.
 */
public record ChannelInfo(String channel, String epoch, long lastSeq, int members, List<String> replicas) {

  public ChannelInfo {
    replicas = List.copyOf(replicas);
  }

  public JsonObject toJson() {
    return new JsonObject().put("channel", channel).put("epoch", epoch).put("lastSeq", lastSeq).put("members", members)
        .put("owner", replicas.isEmpty() ? null : replicas.get(0))
        .put("backups", new JsonArray(replicas.isEmpty() ? List.of() : replicas.subList(1, replicas.size())));
  }
}
