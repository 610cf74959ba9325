package dev.herald.protocol.message;

import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Names;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * {@code {"channel", "probe"}} on {@link dev.herald.protocol.Addresses#CHANNEL_PROBE}: a gateway
 * that registered a channel's address asks the channel's owner to publish {@link #marker()} there.
 * The owner publishes it the way it delivers the channel's messages, through its own cached view of
 * who listens; the gateway acknowledges its client's {@code register} once the marker came back, so
 * a message published after that reaches it (docs/protocol.md, "Bridge frames").
 *
 * @param probe 1-{@value #MAX_PROBE} characters of {@code [A-Za-z0-9-]}, unique per wait
 */
public record ChannelProbe(String channel, String probe) {

  public static final int MAX_PROBE = 64;

  /** How a marker's body begins: channel messages are JSON objects, a marker is this string. */
  static final String PREFIX = "herald-probe:";

  /** @throws ReplyException 400 {@code bad_request} */
  public ChannelProbe {
    if (!Names.isChannel(channel)) {
      throw ErrorCode.BAD_REQUEST.exception("body.channel must be a channel name");
    }
    if (probe == null || probe.isEmpty() || probe.length() > MAX_PROBE || !probe.chars().allMatch(ChannelProbe::probeChar)) {
      throw ErrorCode.BAD_REQUEST.exception("body.probe must be 1-" + MAX_PROBE + " letters, digits or '-'");
    }
  }

  private static boolean probeChar(int c) {
    return c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  /** @throws ReplyException 400 {@code bad_request} */
  public static ChannelProbe fromJson(Object body) {
    return body instanceof JsonObject b && b.getValue("channel") instanceof String c && b.getValue("probe") instanceof String p
        ? new ChannelProbe(c, p) : new ChannelProbe(null, null);
  }

  public JsonObject toJson() {
    return new JsonObject().put("channel", channel).put("probe", probe);
  }

  /** What the owner publishes on the channel's address. */
  public String marker() {
    return PREFIX + probe;
  }

  /** The probe a message body on a channel's address carries, or null for a channel message. */
  public static String probeOf(Object body) {
    return body instanceof String s && s.startsWith(PREFIX) ? s.substring(PREFIX.length()) : null;
  }
}
