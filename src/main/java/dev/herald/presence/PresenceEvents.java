package dev.herald.presence;

import dev.herald.bus.Webhooks;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.WebhookEvents;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;

import java.util.Map;


/**
 * What follows a change of presence, wherever it was made (the service, or the janitor after a
 * node died): the client event, the webhook event, and the count by new status. Only the node
 * whose atomic update made the change raises it, so each event is raised once.
 */
final class PresenceEvents {

  private final Vertx vertx;
  private final String node;
  /** Looked up once: a registry lookup per event would build a meter id for every connect. */
  private final Map<Status, Counter> counts;

  PresenceEvents(Vertx vertx, String node) {
    this.vertx = vertx;
    this.node = node;
    this.counts = PresenceMetrics.events(vertx);
  }

  void raise(PresenceRecord.Change c, String traceId) {
    if (!c.changed()) {
      return;
    }
    PresenceRecord r = c.next();
    vertx.eventBus().publish(Addresses.PRESENCE_EVENTS, c.event());
    counts.get(r.status()).increment();
    if (c.previous() == Status.OFFLINE) {
      Webhooks.raise(vertx, WebhookEvents.USER_ONLINE, r.view().toJson(), node, traceId, r.userId() + "/" + r.version());
    } else if (r.status() == Status.OFFLINE) {
      Webhooks.raise(vertx, WebhookEvents.USER_OFFLINE, r.view().toJson(), node, traceId, r.userId() + "/" + r.version());
    }
  }
}
