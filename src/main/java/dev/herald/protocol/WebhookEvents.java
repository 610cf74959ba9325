package dev.herald.protocol;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The webhook events of docs/protocol.md section 5 and their signature. Events are raised where the
 * change happened, exactly once: by the node whose atomic update changed the state.
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

  /** The node-local map (and its key) that says this node runs a webhook verticle. */
  private static final String SERVED = "herald.webhook.served";

  private WebhookEvents() {
  }

  /**
   * An event; {@code key} names the change it reports (a user's presence version), so that the same
   * change raised again (after a failover, by another node) carries the same {@code id} and a
   * receiver drops the second; null when the change has no such name (a random id).
   */
  public static JsonObject event(String type, JsonObject data, String node, long ts, String key) {
    String id = key == null ? UUID.randomUUID().toString() : UUID.nameUUIDFromBytes((type + "\n" + key).getBytes(StandardCharsets.UTF_8)).toString();
    return new JsonObject().put("id", id).put("type", type).put("ts", ts).put("node", node).put("data", data);
  }

  /**
   * Hands an event to a webhook verticle, this node's if it runs one ({@link #servedHere}), else
   * any node's. Fire and forget: presence and delivery never wait for webhooks, and with no webhook
   * verticle anywhere the event goes nowhere. A send, not a request: a request with a reply, tried
   * locally first, cost two failed requests per event (a reply handler, a random reply address, a
   * timer each) on nodes that run none (docs/benchmarks-log.md, "What a storm onto two nodes costs").
   */
  public static void raise(Vertx vertx, String type, JsonObject data, String node, String traceId, String key) {
    DeliveryOptions opts = new DeliveryOptions().setLocalOnly(vertx.sharedData().getLocalMap(SERVED).containsKey(SERVED));
    if (traceId != null) {
      opts.addHeader(Headers.TRACE_ID, traceId);
    }
    vertx.eventBus().send(Addresses.WEBHOOK_EVENT, event(type, data, node, System.currentTimeMillis(), key), opts);
  }

  /**
   * Whether this node's webhook verticle takes the events raised here: set once its consumer is
   * registered, cleared when it stops.
   */
  public static void servedHere(Vertx vertx, boolean served) {
    if (served) {
      vertx.sharedData().getLocalMap(SERVED).put(SERVED, true);
    } else {
      vertx.sharedData().getLocalMap(SERVED).remove(SERVED);
    }
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
