package dev.herald.gateway.bridge;

import dev.herald.gateway.connection.SseEvents;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Names;
import dev.herald.token.Principal;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /eventbus/sse?channel=<c>&presence=<user>&inbox=true}, with {@code Last-Event-ID} (the
 * header a browser sends when it reconnects, or {@code ?lastEventId=}): what a Server-Sent Events
 * stream subscribes to and where it resumes (docs/protocol.md, "Server-Sent Events").
 *
 * @param channels the channels named, at most {@code bridge.sseMaxChannels}
 * @param users    the users whose presence it watches, at most as many
 * @param inbox    whether it reads its user's direct messages
 * @param resume   each channel's position from the last event id (none on a first connect)
 */
public record SseRequest(Set<String> channels, Set<String> users, boolean inbox, Map<String, SseEvents.Position> resume) {

  /** The longest position: a channel name, the epoch's 8 characters, a seq, separators. */
  private static final int MAX_ID_ENTRY = Names.MAX_CHANNEL + 1 + 8 + 1 + 18 + 1;

  /** @throws ReplyException 400 {@code bad_request} naming what is wrong */
  public static SseRequest from(RoutingContext ctx, int maxChannels) {
    Set<String> channels = new LinkedHashSet<>(ctx.queryParam("channel"));
    Set<String> users = new LinkedHashSet<>(ctx.queryParam("presence"));
    if (channels.size() > maxChannels || users.size() > maxChannels) {
      throw ErrorCode.BAD_REQUEST.exception("an event stream names at most " + maxChannels + " channels and " + maxChannels
          + " presence users (bridge.sseMaxChannels)");
    }
    for (String c : channels) {
      if (!Names.isChannel(c)) {
        throw ErrorCode.BAD_REQUEST.exception("channel " + shown(c) + " is not a channel name");
      }
    }
    for (String u : users) {
      if (!Names.isUserId(u)) {
        throw ErrorCode.BAD_REQUEST.exception("presence " + shown(u) + " is not a user id");
      }
    }
    List<String> inbox = ctx.queryParam("inbox");
    if (inbox.size() > 1 || (inbox.size() == 1 && !Set.of("true", "false").contains(inbox.get(0)))) {
      throw ErrorCode.BAD_REQUEST.exception("inbox is true or false");
    }
    String id = ctx.request().getHeader("Last-Event-ID");
    if (id == null) {
      id = ctx.request().getParam("lastEventId");
    }
    // what the server writes: a position for each channel named and each server-side subscription
    int maxIds = maxChannels + Principal.MAX_SUBSCRIBE;
    Map<String, SseEvents.Position> resume = id != null && id.length() > maxIds * MAX_ID_ENTRY ? null : SseEvents.parseId(id, maxIds);
    if (resume == null) {
      throw ErrorCode.BAD_REQUEST.exception("Last-Event-ID is not an id this server gave (channel/epoch/seq, space-separated, at most "
          + maxIds + ")");
    }
    return new SseRequest(java.util.Collections.unmodifiableSet(channels), java.util.Collections.unmodifiableSet(users), inbox.size() == 1 && inbox.get(0).equals("true"), resume);
  }

  private static String shown(String s) {
    return s.length() > 40 ? "'" + s.substring(0, 40) + "…'" : "'" + s + "'";
  }
}
