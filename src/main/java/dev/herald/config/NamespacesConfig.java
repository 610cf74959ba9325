package dev.herald.config;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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
  /** The options of channels in no configured namespace. */
  public static final Namespace DEFAULT = new Namespace("", null, null, null, null, true, false);

  /**
   * One namespace; a null number is the {@code broadcast} section's.
   *
   * @param clientPublish whether clients may publish here at all (the HTTP API always may); default true
   * @param userLimited   a channel's name after the separator lists the only users who may use it,
   *                      separated by commas ({@code dm:alice,bob}): they need no claim for it, and
   *                      nobody else may have it, whatever their claims; default false
   */
  public record Namespace(String name, Integer historySize, Integer historyTtlSeconds, Integer historyMaxBytes, Integer idempotencySeconds,
                          boolean clientPublish, boolean userLimited) {
  }

  public static final NamespacesConfig NONE = new NamespacesConfig(Map.of());

  public NamespacesConfig {
    byName = Map.copyOf(byName);
  }

  /** The namespace {@code channel} is in ({@link #DEFAULT} when none is configured for it). */
  public Namespace of(String channel) {
    int at = channel.indexOf(SEPARATOR);
    return at <= 0 ? DEFAULT : byName.getOrDefault(channel.substring(0, at), DEFAULT);
  }

  static NamespacesConfig from(Section s) {
    Map<String, Namespace> out = new TreeMap<>();
    for (String name : s.raw().fieldNames()) {
      if (!name.matches("[A-Za-z0-9_.-]{1,32}")) {
        throw new ConfigException(s.path(name) + ": a namespace name is 1-32 of [A-Za-z0-9_.-]");
      }
      Section n = s.section(name);
      n.allowOnly(Set.of("historySize", "historyTtlSeconds", "historyMaxBytes", "idempotencySeconds", "clientPublish", "userLimited"));
      out.put(name, new Namespace(name,
          n.has("historySize") ? n.integer("historySize", 0, 1, 1_000_000) : null,
          n.has("historyTtlSeconds") ? n.integer("historyTtlSeconds", 0, 1, 30 * 24 * 3600) : null,
          n.has("historyMaxBytes") ? n.integer("historyMaxBytes", 0, 1024, 1024 * 1024 * 1024) : null,
          n.has("idempotencySeconds") ? n.integer("idempotencySeconds", 0, 1, 7 * 24 * 3600) : null,
          n.bool("clientPublish", true),
          n.bool("userLimited", false)));
    }
    return new NamespacesConfig(out);
  }
}
