package dev.herald.protocol;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The webhook event types of docs/protocol.md section 5 and their signature (an event itself is a
 * {@link dev.herald.protocol.message.WebhookEvent}, raised through {@code bus.Webhooks}).
 */
public final class WebhookEvents {

  public static final String USER_ONLINE = "user.online";
  public static final String USER_OFFLINE = "user.offline";
  public static final String CHANNEL_OCCUPIED = "channel.occupied";
  public static final String CHANNEL_VACATED = "channel.vacated";
  /** A user's first connection subscribed to a channel (sent when {@code webhook.events} names it). */
  public static final String CHANNEL_JOIN = "channel.join";
  /** A user's last connection on a channel unsubscribed or closed. */
  public static final String CHANNEL_LEAVE = "channel.leave";
  /** A bridge connection opened (sent when {@code webhook.events} names it): {@code {"userId", "connId", "nodeId"}}. */
  public static final String CONNECTION_OPEN = "connection.open";
  /** A bridge connection closed (counted out of presence). */
  public static final String CONNECTION_CLOSE = "connection.close";
  /** Every user online, in parts, every {@code webhook.snapshotSeconds}, from one node. */
  public static final String PRESENCE_SNAPSHOT = "presence.snapshot";

  /** The header carrying {@code sha256=<hex HMAC-SHA256 of the body>}. */
  public static final String SIGNATURE_HEADER = "X-Herald-Signature";

  private WebhookEvents() {
  }

  /** {@code sha256=<hex>} of the body with the secret. */
  public static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
