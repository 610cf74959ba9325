package dev.herald.gateway.bridge;

import dev.herald.bus.PresenceClient;
import dev.herald.gateway.connection.BridgeMetrics;
import dev.herald.gateway.connection.Connection;
import dev.herald.gateway.fanout.LocalFanout;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Frame;
import dev.herald.protocol.message.ContactList;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A connection's contacts (docs/protocol.md, "Contacts"): one {@code rt.presence.contacts} request
 * names every user it follows (up to {@code bridge.maxContacts}), answered with their presence;
 * their presence events then come on that one address, whatever the list, so a chat app follows a
 * thousand contacts without a thousand registrations. Changing the list follows the new users and
 * drops the others; the answer is read once the new follows are in effect, so an event after it
 * is no older than what it said (each Presence carries its version: keep the newest).
 */
final class Contacts {

  private final LocalFanout fanout;
  private final PresenceClient presence;
  private final Sends sends;
  private final BridgeMetrics metrics;
  private final int max;
  private final long timeoutMs;

  Contacts(LocalFanout fanout, PresenceClient presence, Sends sends, BridgeMetrics metrics, int max, long timeoutMs) {
    this.fanout = fanout;
    this.presence = presence;
    this.sends = sends;
    this.metrics = metrics;
    this.max = max;
    this.timeoutMs = timeoutMs;
  }

  /** Sets {@code c}'s contacts to the frame's list; the future completes when its next frame may be handled. */
  Future<Void> set(Connection c, Frame frame) {
    if (sends.overLimits(c, frame, Addresses.parse(Addresses.PRESENCE_CONTACTS))) {
      return Future.succeededFuture();
    }
    ContactList list;
    try {
      list = ContactList.fromJson(frame.body(), max);
    } catch (ReplyException e) {
      c.refuse(frame, e, metrics);
      return Future.succeededFuture();
    }
    for (String user : list.users()) {
      if (!c.principal.mayWatch(user)) {
        c.refuse(frame, ErrorCode.FORBIDDEN.exception("user " + user + " is not in your watch claim"), metrics);
        return Future.succeededFuture();
      }
    }
    Set<String> next = new LinkedHashSet<>(list.users());
    Set<String> current = c.contacts == null ? Set.of() : c.contacts;
    List<Future<Void>> followed = new ArrayList<>();
    for (String user : current) {
      if (!next.contains(user)) {
        fanout.unfollow(user, c);
      }
    }
    for (String user : next) {
      if (!current.contains(user)) {
        followed.add(fanout.follow(user, c));
      }
    }
    c.contacts = next.isEmpty() ? null : next;
    c.pendingReplies++;
    return Future.all(followed)
        .compose(v -> next.isEmpty() ? Future.succeededFuture(Map.<String, JsonObject>of())
            : presence.all(List.copyOf(next), new DeliveryOptions().setSendTimeout(timeoutMs)))
        .onComplete(ar -> {
          c.pendingReplies--;
          if (ar.failed()) {
            c.write(Frame.refusal(frame, ErrorCode.asReply(ar.cause())));
          } else {
            sends.answer(c, frame, new JsonObject().put("users", new JsonObject(Map.copyOf(ar.result()))));
          }
        }).transform(ar -> Future.succeededFuture());
  }
}
