package dev.herald.protocol.message;

import dev.herald.protocol.Addresses;
import dev.herald.protocol.ErrorCode;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * A request of the admin console for a list ({@link Addresses#ADMIN_CHANNELS},
 * {@link Addresses#ADMIN_USERS}): {@code {"limit"?: 1-1000 (200), "prefix"?: "<start of the name>"}},
 * answered {@code {"<items>": [...], "total", "truncated"}}, sorted by name.
 */
public record AdminListing(int limit, String prefix) {

  public static final int DEFAULT_LIMIT = 200;
  public static final int MAX_LIMIT = 1000;
  private static final int MAX_PREFIX = 100;

  /** The request's listing, or a {@code bad_request} to answer with. */
  public static AdminListing from(Object body) throws ReplyException {
    JsonObject b = body instanceof JsonObject o ? o : body == null ? new JsonObject() : null;
    Object limit = b == null ? null : b.getValue("limit", DEFAULT_LIMIT);
    Object prefix = b == null ? null : b.getValue("prefix", "");
    if (!(limit instanceof Integer l) || l < 1 || l > MAX_LIMIT || !(prefix instanceof String p) || p.length() > MAX_PREFIX) {
      throw ErrorCode.BAD_REQUEST.exception("body must be {\"limit\"?: 1-" + MAX_LIMIT + ", \"prefix\"?: at most " + MAX_PREFIX + " characters}");
    }
    return new AdminListing(l, p);
  }

  /** The first {@link #limit} of the matching {@code items} by name, as JSON under {@code key}, with how many matched. */
  public <T> JsonObject answer(String key, List<T> items, Function<T, String> name, Function<T, JsonObject> json) {
    List<T> sorted = items.stream().sorted(Comparator.comparing(name)).toList();
    JsonArray out = new JsonArray();
    sorted.stream().limit(limit).map(json).forEach(out::add);
    return new JsonObject().put(key, out).put("total", sorted.size()).put("truncated", sorted.size() > limit);
  }
}
