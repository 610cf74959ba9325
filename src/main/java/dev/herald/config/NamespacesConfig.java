package dev.herald.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code namespaces}: options per group of channels (docs/protocol.md, "Channel namespaces"). A
 * channel's namespace is the part of its name before the first {@value #SEPARATOR}
 * ({@code chat:lobby} is in {@code chat}); a channel without one, or in a namespace not
 * configured, follows the defaults: the {@code broadcast} section, clients may publish, no
 * user limit.
 *
 * @param byName each configured namespace by its name
 */
public record NamespacesConfig(Map<String, Namespace> byName) {

  public static final char SEPARATOR = ':';
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
  /** The options of channels in no configured namespace. */
  public static final Namespace DEFAULT = new Namespace("", null, null, null, null, true, false, true, true, Set.of(), Recovery.STREAM);
  /** The delta formats a namespace may send its subscribers (docs/protocol.md, "Delta compression"): JSON Patch, RFC 6902. */
  public static final String DELTA_JSON_PATCH = "json-patch";
  /**
   * Default bound of the work one diff may take, in steps of the array comparison (an estimate
   * made before diffing; a message over it goes out whole): about a millisecond here, so a
   * publisher cannot hold a gateway's event loop with arrays that change wholesale.
   */
  public static final int DEFAULT_DELTA_MAX_WORK = 250_000;
  /** The proxies a namespace may send all of its channels' subscriptions or publishes through. */
  public static final Set<String> PROXIES = Set.of("subscribe", "publish");

  /** What a subscriber that asks a namespace's history gets ({@code recovery}). */
  public enum Recovery {
    /** Every message after the position asked, as far as the history keeps them. */
    STREAM,
    /** Only the channel's latest message, if newer than the position asked: the state, not its story. */
    CACHE;

    public String configName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One namespace; a null number is the {@code broadcast} section's.
   *
   * @param clientPublish whether clients may publish here at all (the HTTP API always may); default true
   * @param userLimited   a channel's name after the separator lists the only users who may use it,
   *                      separated by commas ({@code dm:alice,bob}): they need no claim for it, and
   *                      nobody else may have it, whatever their claims; default false
   * @param presence      whether its channels count their members (member lists, occupancy,
   *                      join/leave); default true
   * @param joinLeave     whether clients may watch its channels' joins and leaves
   *                      ({@code rt.members.<c>}) and the channel.join/leave webhooks are sent for
   *                      them; default true (needs {@code presence})
   * @param proxies       which backend proxies take every one of its channels' subscriptions
   *                      ({@code subscribe}: even one the token allows) or client publishes
   *                      ({@code publish}), besides the channels the proxies name; default none
   * @param recovery      {@code cache}: a history read answers only the channel's latest message
   *                      (newer than the position asked), and a new subscriber is sent it at once;
   *                      default {@code stream}
   * @param delta         the delta format subscribers may ask for ({@value #DELTA_JSON_PATCH}), or
   *                      null: none, every message goes out whole (the default)
   * @param deltaMaxWork  the most work one diff may take (steps of array comparison, estimated
   *                      before diffing); a message over it goes out whole; default
   *                      {@value #DEFAULT_DELTA_MAX_WORK}
   */
  public record Namespace(String name, Integer historySize, Integer historyTtlSeconds, Integer historyMaxBytes, Integer idempotencySeconds,
                          boolean clientPublish, boolean userLimited, boolean presence, boolean joinLeave, Set<String> proxies,
                          Recovery recovery, String delta, int deltaMaxWork) {

    /** A namespace that sends no deltas. */
    public Namespace(String name, Integer historySize, Integer historyTtlSeconds, Integer historyMaxBytes, Integer idempotencySeconds,
                     boolean clientPublish, boolean userLimited, boolean presence, boolean joinLeave, Set<String> proxies, Recovery recovery) {
      this(name, historySize, historyTtlSeconds, historyMaxBytes, idempotencySeconds, clientPublish, userLimited, presence, joinLeave, proxies,
          recovery, null, DEFAULT_DELTA_MAX_WORK);
    }

    public Namespace {
      java.util.Objects.requireNonNull(recovery, "recovery");
      if (delta != null && !DELTA_JSON_PATCH.equals(delta)) {
        throw Check.fail("delta", " may be " + DELTA_JSON_PATCH + " (was " + delta + ")");
      }
      Check.range("deltaMaxWork", deltaMaxWork, 1_000, 100_000_000);
      proxies = Set.copyOf(proxies);
      for (String p : proxies) {
        if (!PROXIES.contains(p)) {
          throw Check.fail("proxies", " may name subscribe and publish (was " + p + ")");
        }
      }
      if (joinLeave && !presence) {
        throw Check.fail("joinLeave", " needs presence: set joinLeave to false with presence false");
      }
      Check.rangeIfSet("historySize", historySize, 1, 1_000_000);
      Check.rangeIfSet("historyTtlSeconds", historyTtlSeconds, 1, 30 * 24 * 3600);
      Check.rangeIfSet("historyMaxBytes", historyMaxBytes, 1024, 1024 * 1024 * 1024);
      Check.rangeIfSet("idempotencySeconds", idempotencySeconds, 1, 7 * 24 * 3600);
    }
  }

  public static final NamespacesConfig NONE = new NamespacesConfig(Map.of());

  public NamespacesConfig {
    byName = Map.copyOf(byName);
    for (String name : byName.keySet()) {
      if (!NAME.matcher(name).matches()) {
        throw Check.fail(name, ": a namespace name is 1-32 of [A-Za-z0-9_.-]");
      }
    }
  }

  /** Whether some namespace sends its channels through proxy {@code kind}. */
  public boolean proxied(String kind) {
    return byName.values().stream().anyMatch(ns -> ns.proxies().contains(kind));
  }

  /** The namespace {@code channel} is in ({@link #DEFAULT} when none is configured for it). */
  public Namespace of(String channel) {
    int at = channel.indexOf(SEPARATOR);
    return at <= 0 ? DEFAULT : byName.getOrDefault(channel.substring(0, at), DEFAULT);
  }

  private static Recovery recovery(String value) {
    for (Recovery r : Recovery.values()) {
      if (r.configName().equals(value)) {
        return r;
      }
    }
    throw Check.fail("recovery", " is stream or cache (was " + value + ")");
  }

  static NamespacesConfig from(Section s) {
    Map<String, Namespace> out = new TreeMap<>();
    for (String name : s.raw().fieldNames()) {
      Section n = s.section(name);
      n.allowOnly(Set.of("historySize", "historyTtlSeconds", "historyMaxBytes", "idempotencySeconds", "clientPublish", "userLimited", "presence",
          "joinLeave", "proxies", "recovery", "delta", "deltaMaxWork"));
      if (n.has("deltaMaxWork") && !n.has("delta")) {
        n.<Void>build(() -> {
          throw Check.fail("deltaMaxWork", " needs delta: set delta to " + DELTA_JSON_PATCH + ", or leave deltaMaxWork out");
        });
      }
      boolean presence = n.bool("presence", true);
      out.put(name, n.build(() -> new Namespace(name,
          n.integerOrNull("historySize"),
          n.integerOrNull("historyTtlSeconds"),
          n.integerOrNull("historyMaxBytes"),
          n.integerOrNull("idempotencySeconds"),
          n.bool("clientPublish", true),
          n.bool("userLimited", false),
          presence,
          n.bool("joinLeave", presence),
          Set.copyOf(n.strings("proxies", List.of())),
          recovery(n.string("recovery", "stream")),
          n.string("delta", null),
          n.integer("deltaMaxWork", DEFAULT_DELTA_MAX_WORK))));
    }
    return s.build(() -> new NamespacesConfig(out));
  }
}
