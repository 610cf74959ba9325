package dev.herald.gateway.bridge;

import dev.herald.gateway.connection.Connection;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.CloseCode;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Frame;
import dev.herald.token.TokenLifetime;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The once-a-second look at every connection of a gateway instance: one silent for the heartbeat
 * timeout is to be closed (one the server holds paused cannot be heard, so it is spared); a token
 * about to expire gets its notice on the inbox; an expired one is to be closed.
 */
public final class Sweep {

  /** A connection to close: the frame to send first (or null), then the close code and reason. */
  record Closing(Connection connection, Buffer lastFrame, int code, String reason) {
  }

  private final long idleTimeoutMs;
  private final int noticeSeconds;

  Sweep(long idleTimeoutMs, int noticeSeconds) {
    this.idleTimeoutMs = idleTimeoutMs;
    this.noticeSeconds = noticeSeconds;
  }

  /** What the sweep does with one connection. */
  enum Verdict { KEEP, IDLE, NOTICE, EXPIRED }

  /**
   * The choice for one connection, from what it is: when it was last heard, whether the server
   * holds it paused, its token's {@code exp} and whether the notice went out.
   */
  Verdict verdict(long lastSeen, boolean waiting, long expSeconds, boolean noticeSent, long now) {
    if (lastSeen < now - idleTimeoutMs && !waiting) {
      return Verdict.IDLE;
    }
    return switch (TokenLifetime.due(expSeconds, now, noticeSeconds, noticeSent)) {
      case NOTICE -> Verdict.NOTICE;
      case CLOSE -> Verdict.EXPIRED;
      case NONE -> Verdict.KEEP;
    };
  }

  /**
   * {@code refreshes}: a connection the server extends itself (a proxied one, with a refresh
   * proxy) is handed to it at notice time instead of being told to refresh; it sends the notice
   * itself ({@link #notice}) if the backend says no.
   */
  List<Closing> run(Collection<Connection> connections, long now, java.util.function.Predicate<Connection> refreshes) {
    List<Closing> closing = new ArrayList<>();
    for (Connection c : connections) {
      switch (verdict(c.lastSeen, c.waiting, c.principal.exp(), c.expiryNoticeSent, now)) {
        case IDLE -> closing.add(new Closing(c, null, CloseCode.IDLE.code, "idle timeout"));
        case NOTICE -> {
          c.expiryNoticeSent = true;
          if (!refreshes.test(c)) {
            notice(c);
          }
        }
        case EXPIRED -> closing.add(new Closing(c, Frame.err(ErrorCode.TOKEN_EXPIRED, "refresh with " + Addresses.AUTH_REFRESH + " before exp"),
            CloseCode.TOKEN_EXPIRED.code, ErrorCode.TOKEN_EXPIRED.text));
        case KEEP -> { }
      }
    }
    return closing;
  }

  /** The expiry notice on the user's inbox, when the connection registered it. */
  static void notice(Connection c) {
    String inbox = Addresses.inbox(c.principal.userId());
    if (c.registrations.contains(inbox)) {
      c.write(Frame.rec(inbox, new JsonObject().put("type", "token_expiring").put("exp", c.principal.exp())));
    }
  }
}
