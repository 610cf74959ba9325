package dev.herald.protocol.message;

import dev.herald.protocol.ErrorCode;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/** {@code rt.presence.set} {@code {"status": "online" | "busy" | "away"}}: the status a user chooses; answered {@code {"status", "since"}}. */
public record PresenceSet(String status) {

  /** What a user may choose: offline is what having no connection is, not a choice. */
  public static final Set<String> CHOOSABLE = Set.of("online", "busy", "away");

  /** @throws ReplyException 400 {@code bad_request} */
  public PresenceSet {
    if (status == null || !CHOOSABLE.contains(status)) {
      throw ErrorCode.BAD_REQUEST.exception("body must be {\"status\": \"online\" | \"busy\" | \"away\"}");
    }
  }

  /** @throws ReplyException 400 {@code bad_request} */
  public static PresenceSet fromJson(Object body) {
    return new PresenceSet(body instanceof JsonObject b && b.getValue("status") instanceof String s ? s : null);
  }

  public JsonObject toJson() {
    return new JsonObject().put("status", status);
  }
}
