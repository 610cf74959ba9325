package dev.herald.protocol.message;

import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Names;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * {@code rt.presence.get} {@code {"users": [user ids]}}: 1 to {@value #MAX_USERS} users, answered
 * {@code {"users": {id: Presence}}}.
 */
public record PresenceQuery(List<String> users) {

  public static final int MAX_USERS = 1000;

  /** @throws ReplyException 400 {@code bad_request} */
  public PresenceQuery {
    if (users == null || users.isEmpty() || users.size() > MAX_USERS || !users.stream().allMatch(Names::isUserId)) {
      throw ErrorCode.BAD_REQUEST.exception("body must be {\"users\": [user ids]} with 1 to " + MAX_USERS + " valid ids");
    }
    users = List.copyOf(new LinkedHashSet<>(users));
  }

  /** @throws ReplyException 400 {@code bad_request} */
  public static PresenceQuery fromJson(Object body) {
    List<String> users = null;
    if (body instanceof JsonObject b && b.getValue("users") instanceof JsonArray arr && arr.size() <= MAX_USERS) {
      users = new ArrayList<>();
      for (Object o : arr) {
        users.add(o instanceof String s ? s : null);
      }
    }
    return new PresenceQuery(users);
  }

  public JsonObject toJson() {
    return new JsonObject().put("users", new JsonArray(new ArrayList<>(users)));
  }
}
