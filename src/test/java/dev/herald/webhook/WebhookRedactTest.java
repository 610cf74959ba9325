package dev.herald.webhook;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WebhookRedactTest {

  @Test
  @DisplayName("a webhook URL is shown without its credentials and query (where keys ride)")
  void redact() {
    assertEquals("https://hooks.example.com:8443/herald", WebhookSender.redact("https://user:pass@hooks.example.com:8443/herald?key=s3cret"));
    assertEquals("http://127.0.0.1/h", WebhookSender.redact("http://127.0.0.1/h"));
  }
}
