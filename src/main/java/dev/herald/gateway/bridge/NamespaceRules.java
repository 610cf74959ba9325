package dev.herald.gateway.bridge;

import dev.herald.config.NamespacesConfig;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Frame;
import dev.herald.protocol.message.Publish;
import dev.herald.token.Principal;
import io.vertx.core.eventbus.ReplyException;

import java.util.Arrays;

/**
 * What a channel's namespace decides before the token's claims are asked (docs/protocol.md,
 * "Channel namespaces"); pure. A user-limited channel is theirs alone: the users its name lists
 * may register it, read its history and members and publish to it without any claim, and nobody
 * else may, whatever their claims. A namespace closed to client publishes refuses them; one
 * without presence refuses member lists and join/leave events, one without join/leave the events.
 */
public final class NamespaceRules {

  /** The namespace's word: let it through without asking the claims, or refuse it; {@code null} when the claims decide. */
  record Decision(ReplyException refused) {
    static final Decision ALLOW = new Decision(null);

    boolean allowed() {
      return refused == null;
    }
  }

  private NamespaceRules() {
  }

  static Decision check(NamespacesConfig namespaces, Principal p, Frame.Type type, Addresses.Target t, Object body) {
    if (namespaces.byName().isEmpty()) {
      return null;
    }
    String channel = switch (t.kind()) {
      case CHANNEL, MEMBERS -> type == Frame.Type.REGISTER ? t.arg() : null;
      case CHANNEL_PUBLISH, CHANNEL_HISTORY, CHANNEL_MEMBERS -> type == Frame.Type.SEND ? Publish.channelOf(body) : null;
      default -> null;
    };
    if (channel == null) {
      return null;
    }
    NamespacesConfig.Namespace ns = namespaces.of(channel);
    if ((t.kind() == Addresses.Kind.MEMBERS || t.kind() == Addresses.Kind.CHANNEL_MEMBERS) && !ns.presence()) {
      return new Decision(ErrorCode.FORBIDDEN.exception("presence is off in namespace " + ns.name() + ": its channels count no members"));
    }
    if (t.kind() == Addresses.Kind.MEMBERS && !ns.joinLeave()) {
      return new Decision(ErrorCode.FORBIDDEN.exception("join and leave events are off in namespace " + ns.name()));
    }
    if (t.kind() == Addresses.Kind.CHANNEL_PUBLISH && !ns.clientPublish()) {
      return new Decision(ErrorCode.FORBIDDEN.exception("clients may not publish in namespace " + ns.name() + " (the HTTP API may)"));
    }
    if (ns.userLimited()) {
      String users = channel.substring(channel.indexOf(NamespacesConfig.SEPARATOR) + 1);
      return Arrays.asList(users.split(",")).contains(p.userId()) ? Decision.ALLOW
          : new Decision(ErrorCode.FORBIDDEN.exception(channel + " is only for the users its name lists"));
    }
    return null;
  }
}
