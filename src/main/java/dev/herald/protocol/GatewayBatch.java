package dev.herald.protocol;

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

  /** The field of {@link Addresses#PRESENCE_CONNECT} and {@link Addresses#PRESENCE_DISCONNECT} batches. */
  public static final String CONNECTIONS = "connections";
  /** The field of {@link Addresses#MEMBERS_JOIN} batches. */
  public static final String JOINS = "joins";
  /** The field of {@link Addresses#MEMBERS_LEAVE} batches. */
  public static final String LEAVES = "leaves";

  /** Reads {@code msg}'s items from {@code field}, each under the record key {@code keyOf} gives it. */
  public static GatewayBatch read(Message<JsonObject> msg, String field, Function<JsonObject, String> keyOf) {
    return read(msg.body(), msg.headers().get(Headers.TRACE_ID), field, keyOf);
  }

  /** The same from a body and its trace header (null if none). Pure. */
  static GatewayBatch read(JsonObject body, String header, String field, Function<JsonObject, String> keyOf) {
    Map<String, List<String>> connections = new LinkedHashMap<>();
    Map<String, String> traces = new HashMap<>();
    JsonArray items = body.getJsonArray(field);
    for (Object o : items == null ? List.of(body) : items) {
      JsonObject item = (JsonObject) o;
      String key = keyOf.apply(item);
      connections.computeIfAbsent(key, k -> new ArrayList<>(1)).add(item.getString("connId"));
      traces.putIfAbsent(key, item.getString("traceId", header != null ? header : item.getString("connId")));
    }
    return new GatewayBatch(body.getString("nodeId"), connections, traces);
  }
}
