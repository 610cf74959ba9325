package dev.herald.protocol.message;

import dev.herald.protocol.Addresses;
import dev.herald.protocol.Headers;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A gateway's batch of connects, disconnects, joins or leaves as the presence and membership
 * services read it: {@code {"nodeId", "<field>": [{…, "connId", "traceId"?}, …]}} (the gateway's
 * {@code Batcher} writes it), or one item alone, traced by its {@link Headers#TRACE_ID} header (a
 * gateway of an earlier version). Its items grouped by record key: each key's connection ids in
 * order, and its trace id (its first item's, else the header's, else its first connection id).
 */
public record GatewayBatch(String nodeId, Map<String, List<String>> connections, Map<String, String> traces) {

  /**
   * One item: a connection of a user, and for a join or leave the channel; {@code traceId} (or
   * null) traces what it causes.
   */
  public record Item(String userId, String connId, String channel, String traceId) {

    public JsonObject toJson() {
      JsonObject j = new JsonObject().put("userId", userId).put("connId", connId);
      if (channel != null) {
        j.put("channel", channel);
      }
      return traceId == null ? j : j.put("traceId", traceId);
    }

    static Item fromJson(JsonObject j) {
      return new Item(j.getString("userId"), j.getString("connId"), j.getString("channel"), j.getString("traceId"));
    }

    /** The same item traced by {@code traceId}. */
    public Item traced(String traceId) {
      return new Item(userId, connId, channel, traceId);
    }
  }

  /** The field of {@link Addresses#PRESENCE_CONNECT} and {@link Addresses#PRESENCE_DISCONNECT} batches. */
  public static final String CONNECTIONS = "connections";
  /** The field of {@link Addresses#MEMBERS_JOIN} batches. */
  public static final String JOINS = "joins";
  /** The field of {@link Addresses#MEMBERS_LEAVE} batches. */
  public static final String LEAVES = "leaves";

  /** Reads {@code msg}'s items from {@code field}, each under the record key {@code keyOf} gives it. */
  public static GatewayBatch read(Message<JsonObject> msg, String field, Function<Item, String> keyOf) {
    return read(msg.body(), msg.headers().get(Headers.TRACE_ID), field, keyOf);
  }

  /** The same from a body and its trace header (null if none). Pure. */
  static GatewayBatch read(JsonObject body, String header, String field, Function<Item, String> keyOf) {
    Map<String, List<String>> connections = new LinkedHashMap<>();
    Map<String, String> traces = new HashMap<>();
    JsonArray items = body.getJsonArray(field);
    for (Object o : items == null ? List.of(body) : items) {
      Item item = Item.fromJson((JsonObject) o);
      String key = keyOf.apply(item);
      connections.computeIfAbsent(key, k -> new ArrayList<>(1)).add(item.connId());
      traces.putIfAbsent(key, item.traceId() != null ? item.traceId() : header != null ? header : item.connId());
    }
    return new GatewayBatch(body.getString("nodeId"), connections, traces);
  }
}
