package dev.herald.bus;

import dev.herald.protocol.Addresses;
import dev.herald.protocol.message.PresenceQuery;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The presence service as a sender sees it (the HTTP API, channel member lists, a gateway's resync). */
public final class PresenceClient {

  private final EventBus eventBus;

  public PresenceClient(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  /** {@link Addresses#PRESENCE_GET}, answered by {@code PresenceVerticle}: the {@code {"users": {id: Presence}}} payload. */
  public Future<JsonObject> query(PresenceQuery query, DeliveryOptions options) {
    return Requests.<JsonObject>localFirst(eventBus, Addresses.PRESENCE_GET, query.toJson(), options).map(Message::body);
  }

  /** Any number of users, asked {@link PresenceQuery#MAX_USERS} at a time: user id to its Presence, in the order given. */
  public Future<Map<String, JsonObject>> all(List<String> users, DeliveryOptions options) {
    List<Future<JsonObject>> asks = new ArrayList<>();
    for (int from = 0; from < users.size(); from += PresenceQuery.MAX_USERS) {
      asks.add(query(new PresenceQuery(users.subList(from, Math.min(users.size(), from + PresenceQuery.MAX_USERS))), options));
    }
    return Future.all(asks).map(done -> {
      Map<String, JsonObject> out = new LinkedHashMap<>();
      asks.forEach(f -> f.result().getJsonObject("users").forEach(e -> out.put(e.getKey(), (JsonObject) e.getValue())));
      return out;
    });
  }
}
