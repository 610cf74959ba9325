package dev.herald.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * A node's whole configuration, validated: constructing one either succeeds or throws a
 * {@link ConfigException} naming the key at fault. Sources, weakest first: the built-in
 * defaults, the conf file, then the environment ({@link #ENV_HTTP_PORT} and friends).
 */
public record HeraldConfig(NodeConfig node, HttpConfig http, ClusterConfig cluster, AuthConfig auth,
                           BridgeConfig bridge, PresenceConfig presence, HeartbeatConfig heartbeat,
                           BroadcastConfig broadcast, NamespacesConfig namespaces, WebhookConfig webhook, ProxyConfig proxy, LogConfig log,
                           RolesConfig roles) {

  public HeraldConfig {
    if (roles.instances(Role.WEBHOOK) > 0 && (webhook.urls().isEmpty() || webhook.secret() == null)) {
      throw new ConfigException("webhook.urls and webhook.secret are required when roles.webhook is set");
    }
    if (proxy.connect() != null && proxy.connect().headers().stream().anyMatch("cookie"::equalsIgnoreCase) && http.allowedOrigins().contains("*")) {
      // a browser sends its cookies on a WebSocket handshake any site opens: with "*", any page the
      // user visits could connect as them
      throw new ConfigException("proxy.connect passes the Cookie header: http.allowedOrigins must list your sites, not \"*\"");
    }
    proxiedChannels("subscribe", proxy.subscribe(), namespaces);
    proxiedChannels("publish", proxy.publish(), namespaces);
  }

  /**
   * A subscribe or publish proxy applies to the channels it names and to the namespaces that list
   * it, so it must have some; a namespace may list only a proxy that is configured.
   */
  private static void proxiedChannels(String kind, ProxyConfig.Endpoint e, NamespacesConfig namespaces) {
    if (e != null && e.channels().isEmpty() && !namespaces.proxied(kind)) {
      throw new ConfigException("proxy." + kind + ".channels must name the channels this proxy applies to (patterns, as in tokens),"
          + " or a namespace list it in its proxies");
    }
    if (e == null) {
      namespaces.byName().values().stream().filter(ns -> ns.proxies().contains(kind)).findFirst().ifPresent(ns -> {
        throw new ConfigException("namespaces." + ns.name() + ".proxies names " + kind + ", but proxy." + kind + " is not configured");
      });
    }
  }

  public static final String ENV_HTTP_PORT = "HERALD_HTTP_PORT";
  public static final String ENV_JWT_SECRET = "HERALD_JWT_SECRET";
  public static final String ENV_CLUSTER_HOST = "HERALD_CLUSTER_HOST";
  public static final String ENV_CLUSTER_PORT = "HERALD_CLUSTER_PORT";
  public static final String ENV_CLUSTER_MEMBERS = "HERALD_CLUSTER_MEMBERS";
  public static final String ENV_CLUSTER_SECRET = "HERALD_CLUSTER_SECRET";
  public static final String ENV_CLUSTER_QUORUM = "HERALD_CLUSTER_QUORUM";

  /** The single-node development default inside the jar, used when no {@code -conf} is given. */
  public static final String EMBEDDED_DEFAULT = "node.json";

  private static final Set<String> SECTIONS = Set.of("node", "http", "cluster", "auth", "bridge", "presence", "heartbeat", "broadcast", "namespaces", "webhook", "proxy", "log", "roles");

  public static HeraldConfig fromJson(JsonObject root) {
    Section top = new Section(root, "");
    top.allowOnly(SECTIONS);
    HttpConfig http = HttpConfig.from(top.section("http"));
    return new HeraldConfig(
        NodeConfig.from(top.section("node"), http.port()),
        http,
        ClusterConfig.from(top.section("cluster")),
        AuthConfig.from(top.section("auth")),
        BridgeConfig.from(top.section("bridge")),
        PresenceConfig.from(top.section("presence")),
        HeartbeatConfig.from(top.section("heartbeat")),
        BroadcastConfig.from(top.section("broadcast")),
        NamespacesConfig.from(top.section("namespaces")),
        WebhookConfig.from(top.section("webhook")),
        ProxyConfig.from(top.section("proxy")),
        LogConfig.from(top.section("log")),
        RolesConfig.from(top.section("roles")));
  }

  /**
   * Reads the conf file ({@code null}: the embedded default), applies the environment and validates.
   * Dev tokens never sign with a secret from the environment: a real secret given to a node whose
   * file asks for dev tokens (the embedded dev default, say) would let anyone mint real tokens.
   */
  public static HeraldConfig load(String confPath, Map<String, String> env) {
    HeraldConfig c = fromJson(applyEnv(read(confPath), env));
    if (c.auth().devTokens() && env.get(ENV_JWT_SECRET) != null) {
      throw new ConfigException(ENV_JWT_SECRET + " is set but auth.devTokens is on"
          + (confPath == null ? " (the embedded dev config)" : " in " + confPath)
          + ": /dev/token would sign real tokens. Use a conf file with \"devTokens\": false (see conf/production.example.json)");
    }
    return c;
  }

  static JsonObject read(String confPath) {
    String text;
    String where = confPath == null ? "embedded " + EMBEDDED_DEFAULT : confPath;
    try {
      if (confPath == null) {
        try (InputStream in = HeraldConfig.class.getClassLoader().getResourceAsStream(EMBEDDED_DEFAULT)) {
          if (in == null) {
            throw new ConfigException("the embedded " + EMBEDDED_DEFAULT + " is missing from the jar");
          }
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      } else {
        text = Files.readString(Path.of(confPath));
      }
    } catch (NoSuchFileException e) {
      throw new ConfigException("conf file " + where + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("conf file " + where + " cannot be read: " + e.getMessage());
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new ConfigException("conf file " + where + " is not valid JSON: " + e.getMessage());
    }
  }

  /** Environment variables win over the file. */
  public static JsonObject applyEnv(JsonObject root, Map<String, String> env) {
    JsonObject out = root.copy();
    String httpPort = env.get(ENV_HTTP_PORT);
    if (httpPort != null) {
      sectionOf(out, "http").put("port", parsePort(ENV_HTTP_PORT, httpPort));
    }
    String secret = env.get(ENV_JWT_SECRET);
    if (secret != null) {
      JsonObject auth = sectionOf(out, "auth");
      JsonObject jwt = auth.getJsonObject("jwt", new JsonObject());
      auth.put("jwt", jwt.put("secret", secret));
    }
    String clusterHost = env.get(ENV_CLUSTER_HOST);
    if (clusterHost != null) {
      // each pod its own address (Kubernetes: from status.podIP)
      sectionOf(out, "cluster").put("host", clusterHost.trim());
    }
    String clusterPort = env.get(ENV_CLUSTER_PORT);
    if (clusterPort != null) {
      sectionOf(out, "cluster").put("port", parsePort(ENV_CLUSTER_PORT, clusterPort));
    }
    String clusterSecret = env.get(ENV_CLUSTER_SECRET);
    if (clusterSecret != null) {
      sectionOf(out, "cluster").put("secret", clusterSecret);
    }
    String members = env.get(ENV_CLUSTER_MEMBERS);
    if (members != null) {
      JsonArray list = new JsonArray();
      Arrays.stream(members.split(",")).map(String::trim).filter(m -> !m.isEmpty()).forEach(list::add);
      sectionOf(out, "cluster").put("members", list);
    }
    String quorum = env.get(ENV_CLUSTER_QUORUM);
    if (quorum != null) {
      try {
        sectionOf(out, "cluster").put("quorum", Integer.parseInt(quorum.trim()));
      } catch (NumberFormatException e) {
        throw new ConfigException(ENV_CLUSTER_QUORUM + " must be a number (was '" + quorum + "')");
      }
    }
    return out;
  }

  private static JsonObject sectionOf(JsonObject root, String key) {
    Object v = root.getValue(key);
    if (v == null) {
      JsonObject s = new JsonObject();
      root.put(key, s);
      return s;
    }
    if (!(v instanceof JsonObject s)) {
      throw new ConfigException(key + " must be an object");
    }
    return s;
  }

  private static int parsePort(String name, String value) {
    try {
      int p = Integer.parseInt(value.trim());
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new ConfigException(name + " must be a port number 0-65535 (was '" + value + "')");
  }

  public HeraldConfig withAuth(AuthConfig newAuth) {
    return new HeraldConfig(node, http, cluster, newAuth, bridge, presence, heartbeat, broadcast, namespaces, webhook, proxy, log, roles);
  }
}
