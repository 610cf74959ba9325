package dev.herald.protocol;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class WebhookEventsTest {

  @Test
  @DisplayName("the same change raised twice (on two nodes, after a failover) has one id; another version, another type or no key, another id")
  void idsNameTheChange() {
    JsonObject data = new JsonObject().put("userId", "alice");
    String once = WebhookEvents.event(WebhookEvents.USER_ONLINE, data, "node-1", 1, "alice/17").getString("id");
    assertEquals(once, WebhookEvents.event(WebhookEvents.USER_ONLINE, data, "node-2", 2, "alice/17").getString("id"));
    assertNotEquals(once, WebhookEvents.event(WebhookEvents.USER_ONLINE, data, "node-1", 1, "alice/18").getString("id"));
    assertNotEquals(once, WebhookEvents.event(WebhookEvents.USER_OFFLINE, data, "node-1", 1, "alice/17").getString("id"));
    assertNotEquals(WebhookEvents.event(WebhookEvents.CHANNEL_OCCUPIED, data, "n", 1, null).getString("id"),
        WebhookEvents.event(WebhookEvents.CHANNEL_OCCUPIED, data, "n", 1, null).getString("id"));
  }
}
