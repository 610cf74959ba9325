package dev.herald.gateway.bridge;

import dev.herald.protocol.Addresses;
import dev.herald.protocol.Addresses.Target;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Frame;
import dev.herald.protocol.message.Publish;
import dev.herald.token.Principal;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a client may do on the bridge (docs/protocol.md section 2): a pure function of the
 * connection's {@link Principal}, the frame's type and address, and for requests the body.
 * Everything not listed there is {@code access_denied}; a listed address the claims do not
 * allow is {@code forbidden}; a malformed body is {@code bad_request}.
 */
public final class Permissions {

  private Permissions() {
  }

  /** Null when allowed, else why not. */
  public static ReplyException check(Principal p, Frame.Type type, Target target, Object body) {
    return check(p, java.util.Set.of(), type, target, body);
  }

  /** Null when allowed, else why not; {@code granted}: channels the backend let this connection read (a subscribe proxy). */
  public static ReplyException check(Principal p, java.util.Set<String> granted, Frame.Type type, Target target, Object body) {
    return switch (type) {
      case REGISTER -> register(p, granted, target);
      case SEND -> send(p, granted, target, body);
      case PUBLISH -> ErrorCode.ACCESS_DENIED.exception("clients send to " + Addresses.CHANNEL_PUBLISH + ", they do not publish");
      case UNREGISTER, PING -> null;
    };
  }

  private static ReplyException register(Principal p, java.util.Set<String> granted, Target t) {
    return switch (t.kind()) {
      case CHANNEL, MEMBERS -> channelRight(p, granted, t.arg());
      case PRESENCE_USER -> p.mayWatch(t.arg()) ? null : ErrorCode.FORBIDDEN.exception("user " + t.arg() + " is not in your watch claim");
      case INBOX -> p.userId().equals(t.arg()) ? null : ErrorCode.FORBIDDEN.exception("only your own inbox can be registered");
      case CONTACTS -> null; // receives what the connection's own contact list says
      case NOTICES -> null; // the node's backend-health notices, the same for every client
      default -> ErrorCode.ACCESS_DENIED.exception("this address cannot be registered");
    };
  }

  private static ReplyException send(Principal p, java.util.Set<String> granted, Target t, Object body) {
    switch (t.kind()) {
      case PRESENCE_SET:
      case AUTH_REFRESH:
      case RPC:
      case SESSION:
      case CONTACTS: // each user listed is checked against the watch claim (Contacts)
        return null;
      case PRESENCE_GET:
        return presenceGet(p, body);
      case ADMIN:
        return p.isService() ? null : ErrorCode.FORBIDDEN.exception("the admin addresses need a token with role \"service\"");
      case CHANNEL_PUBLISH: {
        String ch = Publish.channelOf(body);
        if (ch == null) {
          return ErrorCode.BAD_REQUEST.exception("body.channel must be a channel name");
        }
        return p.publish().matches(ch) ? null : ErrorCode.FORBIDDEN.exception("channel " + ch + " is not in your publish claim");
      }
      case CHANNEL_HISTORY:
      case CHANNEL_MEMBERS: {
        String ch = Publish.channelOf(body);
        return ch == null ? ErrorCode.BAD_REQUEST.exception("body.channel must be a channel name") : channelRight(p, granted, ch);
      }
      default:
        return ErrorCode.ACCESS_DENIED.exception("clients cannot send to this address");
    }
  }

  private static ReplyException channelRight(Principal p, java.util.Set<String> granted, String channel) {
    return p.channels().matches(channel) || granted.contains(channel) ? null : ErrorCode.FORBIDDEN.exception("channel " + channel + " is not in your channels claim");
  }

  /** With a {@code watch} claim, every user asked for must match it. The presence service checks the rest. */
  private static ReplyException presenceGet(Principal p, Object body) {
    if (p.watch() == null || !(body instanceof JsonObject b) || !(b.getValue("users") instanceof JsonArray users)) {
      return null;
    }
    for (Object u : users) {
      if (u instanceof String s && !p.mayWatch(s)) {
        return ErrorCode.FORBIDDEN.exception("user " + s + " is not in your watch claim");
      }
    }
    return null;
  }
}
