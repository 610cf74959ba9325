package dev.herald.gateway;

import dev.herald.protocol.Frame;
import dev.herald.token.TokenLifetime;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.CloseCode;
import dev.herald.protocol.ErrorCode;
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
final class Sweep {

  /** A connection to close: the frame to send first (or null), then the close code and reason. */
  record Closing(Connection connection, Buffer lastFrame, int code, String reason) {
  }

  private final long idleTimeoutMs;
  private final int noticeSeconds;

  Sweep(long idleTimeoutMs, int noticeSeconds) {
    this.idleTimeoutMs = idleTimeoutMs;
    this.noticeSeconds = noticeSeconds;
  }

  List<Closing> run(Collection<Connection> connections, long now) {
    long idleBefore = now - idleTimeoutMs;
    List<Closing> closing = new ArrayList<>();
    for (Connection c : connections) {
      if (c.lastSeen < idleBefore && !c.waiting) {
        closing.add(new Closing(c, null, CloseCode.IDLE.code, "idle timeout"));
        continue;
      }
      switch (TokenLifetime.due(c.principal.exp(), now, noticeSeconds, c.expiryNoticeSent)) {
        case NOTICE -> {
          c.expiryNoticeSent = true;
          String inbox = Addresses.inbox(c.principal.userId());
          if (c.registrations.contains(inbox)) {
            c.write(Frame.rec(inbox, new JsonObject().put("type", "token_expiring").put("exp", c.principal.exp())));
          }
        }
        case CLOSE -> closing.add(new Closing(c, Frame.err(ErrorCode.TOKEN_EXPIRED, "refresh with " + Addresses.AUTH_REFRESH + " before exp"),
            CloseCode.TOKEN_EXPIRED.code, ErrorCode.TOKEN_EXPIRED.text));
        case NONE -> { }
      }
    }
    return closing;
  }
}
