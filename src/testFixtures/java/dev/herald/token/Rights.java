package dev.herald.token;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test token allows: the rights claims {@code dev.herald.token.Principal} reads ({@code channels},
 * {@code publish}, {@code watch}, {@code subscribe}, {@code roles}), put on {@link TestTokens#claims}.
 * Immutable: each step answers new rights, so a class may keep its usual rights in a constant.
 * (Plain JSON, no product class: the benchmark, which shares src/testFixtures, builds without them.)
 *
 * <pre>{@code
 * Rights.read("room.*").publish("room.*").token("alice")   // may subscribe to and publish on room.*
 * Rights.none().publish("abuse.*").claims("spammer")        // the claims, to change further
 * Rights.service().token("ops")                            // a backend caller
 * }</pre>
 *
 * A step names its claim's whole list, given even when empty ({@code Rights.read()} is a token with
 * {@code channels: []}); a claim no step names is left out of the token.
 */
public final class Rights {

  private static final Rights NONE = new Rights(new JsonObject());

  private final JsonObject claims;

  private Rights(JsonObject claims) {
    this.claims = claims;
  }

  /** No rights claim: the user may use its own inbox and presence, nothing else. */
  public static Rights none() {
    return NONE;
  }

  /** {@code channels}: may subscribe to (and read the history of) the channels these patterns match. */
  public static Rights read(String... channelPatterns) {
    return NONE.with("channels", channelPatterns);
  }

  /** {@code channels} and {@code publish} both {@code *}: every channel, to read and to publish. */
  public static Rights all() {
    return read("*").publish("*");
  }

  /** {@code roles: ["service"]}: a backend caller of the HTTP API. */
  public static Rights service() {
    return NONE.roles("service");
  }

  /** {@code publish}: may publish on the channels these patterns match. */
  public Rights publish(String... channelPatterns) {
    return with("publish", channelPatterns);
  }

  /** {@code watch}: may see the presence of the users these patterns match (without it: anyone's). */
  public Rights watch(String... userPatterns) {
    return with("watch", userPatterns);
  }

  /** {@code subscribe}: channels the server subscribes the connection to at once. */
  public Rights subscribe(String... channels) {
    return with("subscribe", channels);
  }

  /** {@code roles}. */
  public Rights roles(String... roles) {
    return with("roles", roles);
  }

  /** These rights put on {@code claims} (changed, and answered). */
  public JsonObject addTo(JsonObject claims) {
    return claims.mergeIn(this.claims.copy());
  }

  /** {@link TestTokens#claims} for {@code user} (valid for an hour) with these rights. */
  public JsonObject claims(String user) {
    return addTo(TestTokens.claims(user));
  }

  /** {@link #claims} signed with {@link TestTokens#SECRET} (HS256). */
  public String token(String user) {
    return TestTokens.hs256(claims(user));
  }

  private Rights with(String claim, String... values) {
    return new Rights(claims.copy().put(claim, new JsonArray(new ArrayList<>(List.of(values)))));
  }

  @Override
  public String toString() {
    return claims.encode();
  }
}
