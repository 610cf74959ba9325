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
 * {@code rt.presence.contacts} {@code {"users": [user ids]}}: the whole list of users a connection
 * follows from now on (0 to {@code bridge.maxContacts}; an empty list follows nobody), answered
 * {@code {"users": {id: Presence}}} with each one's current presence.
 */
public record ContactList(List<String> users) {

  public ContactList {
    users = List.copyOf(new LinkedHashSet<>(users));
  }

  /** @throws ReplyException 400 {@code bad_request}, naming the bound */
  public static ContactList fromJson(Object body, int max) {
    if (body instanceof JsonObject b && b.getValue("users") instanceof JsonArray arr && arr.size() <= max) {
      List<String> users = new ArrayList<>(arr.size());
      for (Object o : arr) {
        if (!(o instanceof String s) || !Names.isUserId(s)) {
          users = null;
          break;
        }
        users.add(s);
      }
      if (users != null) {
        return new ContactList(users);
      }
    }
    throw ErrorCode.BAD_REQUEST.exception("body must be {\"users\": [user ids]} with at most " + max + " valid ids (bridge.maxContacts)");
  }
}
