package dev.herald.presence;

import dev.herald.protocol.Addresses;
import dev.herald.protocol.WebhookEvents;
import io.vertx.core.Vertx;


/**
 * What follows a change of presence, wherever it was made (the service, or the janitor after a
 * node died): the client event, and the webhook event. Only the node whose atomic update made the
 * change calls this, so each event is raised once.
 */
final class PresenceEvents {

  private PresenceEvents() {
  }

  static void presence(Vertx vertx, PresenceRecord.Change c, String node, String traceId) {
    if (!c.changed()) {
      return;
    }
    PresenceRecord r = c.next();
    vertx.eventBus().publish(Addresses.PRESENCE_EVENTS, c.event());
    PresenceMetrics.events(vertx, r.status()).increment();
    if (c.previous() == Status.OFFLINE) {
      WebhookEvents.raise(vertx, WebhookEvents.USER_ONLINE, r.toJson(), node, traceId);
    } else if (r.status() == Status.OFFLINE) {
      WebhookEvents.raise(vertx, WebhookEvents.USER_OFFLINE, r.toJson(), node, traceId);
    }
  }
}
