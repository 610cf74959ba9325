package dev.herald.bus;

import dev.herald.protocol.Addresses;
import dev.herald.protocol.message.ChannelProbe;
import dev.herald.protocol.message.ChannelQuery;
import dev.herald.protocol.message.HistoryQuery;
import dev.herald.protocol.message.Publish;
import dev.herald.protocol.message.Published;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * The broadcast and membership services as a sender sees them (the HTTP API, the proxies): each
 * call sends its request record, local first, and fails with the service's
 * {@link io.vertx.core.eventbus.ReplyException} (its error code) when refused. The bridge does not
 * use it: clients' frames go to the same addresses as they came, and the consumers read them with
 * the same records.
 */
public final class ChannelClient {

  private final EventBus eventBus;

  public ChannelClient(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  /** {@link Addresses#CHANNEL_PUBLISH}, answered by {@code BroadcastVerticle}. */
  public Future<Published> publish(Publish publish, DeliveryOptions options) {
    return Requests.<JsonObject>localFirst(eventBus, Addresses.CHANNEL_PUBLISH, publish.toJson(), options)
        .map(m -> Published.fromJson(m.body()));
  }

  /** {@link Addresses#CHANNEL_HISTORY}: the History payload as clients get it. */
  public Future<JsonObject> history(HistoryQuery query, DeliveryOptions options) {
    return Requests.<JsonObject>localFirst(eventBus, Addresses.CHANNEL_HISTORY, query.toJson(), options).map(m -> m.body());
  }

  /** {@link Addresses#CHANNEL_MEMBERS}, answered by {@code ChannelMembersVerticle}. */
  public Future<JsonObject> members(ChannelQuery query, DeliveryOptions options) {
    return Requests.<JsonObject>localFirst(eventBus, Addresses.CHANNEL_MEMBERS, query.toJson(), options).map(m -> m.body());
  }

  /** {@link Addresses#CHANNEL_PROBE}, answered by {@code BroadcastVerticle} once the channel's owner published the marker. */
  public Future<Void> probe(ChannelProbe probe, DeliveryOptions options) {
    return Requests.localFirst(eventBus, Addresses.CHANNEL_PROBE, probe.toJson(), options).mapEmpty();
  }

  /** {@link Addresses#CHANNEL_INFO}, answered by {@code BroadcastVerticle}. */
  public Future<JsonObject> info(ChannelQuery query, DeliveryOptions options) {
    return Requests.<JsonObject>localFirst(eventBus, Addresses.CHANNEL_INFO, query.toJson(), options).map(m -> m.body());
  }
}
