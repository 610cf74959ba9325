package dev.herald.token;

import dev.herald.protocol.Names;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who a verified token speaks for and what it allows (docs/protocol.md section 1).
 *
 * @param userId   {@code sub}
 * @param exp      {@code exp}, epoch seconds
 * @param channels patterns the user may subscribe to
 * @param publish  patterns the user may publish to
 * @param watch    user-id patterns whose presence the user may see, or null for anyone
 * @param roles    {@code roles}; {@code service} marks a backend caller
 * @param iat      {@code iat}, epoch seconds, or 0 when the token has none (counts as issued long ago)
 * @param subscribe {@code subscribe}: channels the server subscribes the connection to, with no
 *                 {@code register} from the client (and that it may read, claims or not); at most
 *                 {@value #MAX_SUBSCRIBE}
 */
public record Principal(String userId, long exp, Patterns channels, Patterns publish, Patterns watch, Set<String> roles, long iat,
                        List<String> subscribe) {

  public static final int MAX_SUBSCRIBE = 100;

  public static final String ROLE_SERVICE = "service";

  public Principal {
    roles = Set.copyOf(roles);
    subscribe = List.copyOf(subscribe);
  }

  public boolean isService() {
    return roles.contains(ROLE_SERVICE);
  }

  public boolean mayWatch(String user) {
    return watch == null || watch.matches(user) || user.equals(userId);
  }

  /**
   * Reads the claims of a token whose signature and time checks already passed.
   *
   * @throws IllegalArgumentException naming the claim that is missing or malformed
   */
  public static Principal fromClaims(JsonObject claims) {
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String s) || !Names.isUserId(s)) {
      throw new IllegalArgumentException(sub == null ? "missing sub" : "sub must be 1-128 characters of [A-Za-z0-9_.@:-]");
    }
    Object exp = claims.getValue("exp");
    if (!(exp instanceof Number n)) {
      throw new IllegalArgumentException(exp == null ? "missing exp" : "exp must be a number");
    }
    List<String> watch = list(claims, "watch");
    List<String> subscribe = orEmpty(list(claims, "subscribe"));
    if (subscribe.size() > MAX_SUBSCRIBE || !subscribe.stream().allMatch(Names::isChannel)) {
      throw new IllegalArgumentException("subscribe must list at most " + MAX_SUBSCRIBE + " channel names");
    }
    return new Principal(s, n.longValue(),
        patterns(list(claims, "channels")), patterns(list(claims, "publish")),
        watch == null ? null : new Patterns(watch),
        Set.copyOf(orEmpty(list(claims, "roles"))), claims.getValue("iat") instanceof Number i ? i.longValue() : 0, subscribe);
  }

  /** The claims form, readable again by {@link #fromClaims}. */
  public JsonObject toJson() {
    JsonObject j = new JsonObject()
        .put("sub", userId)
        .put("exp", exp)
        .put("channels", new JsonArray(channels.patterns()))
        .put("publish", new JsonArray(publish.patterns()))
        .put("roles", new JsonArray(List.copyOf(roles)))
        .put("iat", iat);
    if (watch != null) {
      j.put("watch", new JsonArray(watch.patterns()));
    }
    if (!subscribe.isEmpty()) {
      j.put("subscribe", new JsonArray(subscribe));
    }
    return j;
  }

  private static Patterns patterns(List<String> l) {
    return l == null ? Patterns.NONE : new Patterns(l);
  }

  private static List<String> orEmpty(List<String> l) {
    return l == null ? List.of() : l;
  }

  private static List<String> list(JsonObject claims, String name) {
    Object v = claims.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonArray arr)) {
      throw new IllegalArgumentException(name + " must be a list of strings");
    }
    List<String> out = new ArrayList<>(arr.size());
    for (Object o : arr) {
      if (!(o instanceof String str) || str.isEmpty() || str.length() > 200) {
        throw new IllegalArgumentException(name + " must be a list of non-empty strings");
      }
      out.add(str);
    }
    return out;
  }
}
