package dev.herald.protocol.message;

import dev.herald.protocol.WebhookEvents;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class WebhookEventTest {

  @Test
  @DisplayName("the same change raised twice (on two nodes, after a failover) has one id; another version, another type or no key, another id")
  void idsNameTheChange() {
    JsonObject data = new JsonObject().put("userId", "alice");
    String once = WebhookEvent.of(WebhookEvents.USER_ONLINE, data, "node-1", 1, "alice/17").id();
    assertEquals(once, WebhookEvent.of(WebhookEvents.USER_ONLINE, data, "node-2", 2, "alice/17").id());
    assertNotEquals(once, WebhookEvent.of(WebhookEvents.USER_ONLINE, data, "node-1", 1, "alice/18").id());
    assertNotEquals(once, WebhookEvent.of(WebhookEvents.USER_OFFLINE, data, "node-1", 1, "alice/17").id());
    assertNotEquals(WebhookEvent.of(WebhookEvents.CHANNEL_OCCUPIED, data, "n", 1, null).id(),
        WebhookEvent.of(WebhookEvents.CHANNEL_OCCUPIED, data, "n", 1, null).id());
  }

  @Test
  @DisplayName("an event read back from the bus is the event written")
  void roundTrip() {
    WebhookEvent e = WebhookEvent.of(WebhookEvents.CHANNEL_JOIN, new JsonObject().put("channel", "room"), "node-1", 42, "room/alice/3");
    assertEquals(e, WebhookEvent.fromJson(new JsonObject(e.toJson().encode())));
  }
}
