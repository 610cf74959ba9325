package dev.herald.protocol;

/**
 * The catalog of event-bus addresses. Client-visible ones start with {@code rt.} (docs/protocol.md
 * section 2); internal ones with {@code herald.}. No address string is written anywhere else.
 */
public final class Addresses {

  public static final String PUBLIC_PREFIX = "rt.";

  public static final String PRESENCE_SET = "rt.presence.set";
  public static final String PRESENCE_GET = "rt.presence.get";
  public static final String PRESENCE_USER_PREFIX = "rt.presence.user.";
  public static final String CHANNEL_PREFIX = "rt.channel.";
  public static final String CHANNEL_PUBLISH = "rt.channel.publish";
  public static final String CHANNEL_HISTORY = "rt.channel.history";
  public static final String CHANNEL_MEMBERS = "rt.channel.members";
  public static final String MEMBERS_PREFIX = "rt.members.";
  public static final String USER_PREFIX = "rt.user.";
  public static final String INBOX_SUFFIX = ".inbox";
  public static final String AUTH_REFRESH = "rt.auth.refresh";
  /** A client's call to the backend: {@code {"method", "data"?}}, answered with the backend's result by the proxy service (docs/protocol.md, "Backend proxies"). */
  public static final String RPC = "rt.rpc";
  /** What a connection is (its user, its end, what the backend handed it): answered by the gateway holding it. */
  public static final String SESSION = "rt.session";
  /**
   * A connection's contacts (docs/protocol.md, "Contacts"): a send sets the users it follows and
   * is answered with their presence; their presence events then come on this address.
   */
  public static final String PRESENCE_CONTACTS = "rt.presence.contacts";
  /** Backend-health notices to clients (docs/protocol.md, "Backend-health notices"): sent by the gateway, never by clients. */
  public static final String CLIENT_NOTICES = "rt.notices";
  /** A dependency of this node changed health (node-local: each gateway tells its own clients). */
  public static final String NOTICES = "herald.notices";
  /** The admin console's reads (service tokens only): live nodes with their load, answered by the heartbeat service. */
  public static final String ADMIN_NODES = "rt.admin.nodes";
  /** Channels with their last seq and member count, answered by the broadcast service: {@code {"limit"?, "prefix"?}}. */
  public static final String ADMIN_CHANNELS = "rt.admin.channels";
  /** Users online with their status and connections, answered by the presence service: {@code {"limit"?, "prefix"?}}. */
  public static final String ADMIN_USERS = "rt.admin.users";

  /**
   * One channel as the backend API shows it ({@code GET /api/v1/channels/<name>}): {@code {"channel"}},
   * answered {@code {"channel", "epoch", "lastSeq", "members", "owner", "backups"}} by the broadcast service.
   */
  public static final String CHANNEL_INFO = "herald.channel.info";
  /**
   * Request {@code {"channel", "probe"}}: the channel's owner publishes the probe on the channel's
   * address, through its own event-bus view, so a gateway that just registered there learns when
   * the owner's deliveries reach it ({@code dev.herald.protocol.message.ChannelProbe}).
   */
  public static final String CHANNEL_PROBE = "herald.channel.probe";
  /** The proxy service asks the connect proxy: {@code ProxyCalls.Connect}, answered with the backend's result. */
  public static final String PROXY_CONNECT = "herald.proxy.connect";
  /** The proxy service asks the subscribe proxy: {@code ProxyCalls.Subscribe}. */
  public static final String PROXY_SUBSCRIBE = "herald.proxy.subscribe";
  /** The proxy service asks the refresh proxy: {@code ProxyCalls.Refresh}, answered {@code {"expireAt"}}. */
  public static final String PROXY_REFRESH = "herald.proxy.refresh";
  /** The proxy service asks the publish proxy: {@code ProxyCalls.Publication}, answered {@code {"data"?}} (the data to store). */
  public static final String PROXY_PUBLISH = "herald.proxy.publish";
  /**
   * Published on every change of a user's visible status: the presence event of docs/protocol.md.
   * Every gateway consumes it once and hands it to its own watchers of {@code rt.presence.user.<user>}:
   * one cluster-wide registration for all users, where one per watched user cost a Hazelcast entry
   * per watcher's node, and publishing to a user nobody watched a cluster lookup of that address.
   */
  public static final String PRESENCE_EVENTS = "herald.presence.events";
  /** Connections opened: {@code {"nodeId", "connections": [{"userId", "connId"}, …]}}; replies once presence counts them. */
  public static final String PRESENCE_CONNECT = "herald.presence.connect";
  /** Connections closed: {@code {"nodeId", "connections": [{"userId", "connId", "traceId"?}, …]}}. */
  public static final String PRESENCE_DISCONNECT = "herald.presence.disconnect";
  /** Connections subscribed to channels: {@code {"nodeId", "joins": [{"channel", "userId", "connId", "traceId"?}, …]}}; replies when counted. */
  public static final String MEMBERS_JOIN = "herald.members.join";
  /** Subscriptions ended: {@code {"nodeId", "leaves": [{"channel", "userId", "connId", "traceId"?}, …]}}. */
  public static final String MEMBERS_LEAVE = "herald.members.leave";
  /** A webhook event to send ({@code {"id", "type", "ts", "node", "data"}}), sent to one webhook verticle, local first. */
  public static final String WEBHOOK_EVENT = "herald.webhook.event";
  /** Published when a node's webhook circuit changes state: {@code {"node", "state"}}. */
  public static final String WEBHOOK_BREAKER = "herald.webhook.breaker";
  /** Published every few seconds by each node: {@code {"node", "nodeId", "connections", "subscriptions", "ts"}}. */
  public static final String NODE_HEARTBEAT = "herald.node.heartbeat";
  /** Local to a node, request: any gateway instance answers the node's {@code {"connections", "subscriptions"}}. */
  public static final String GATEWAY_LOAD = "herald.gateway.load";
  /** Published: every gateway drops a user's subscriptions to a channel (and the grant of it), body {@code {"userId", "channel"}}. */
  public static final String GATEWAY_UNSUBSCRIBE = "herald.gateway.unsubscribe";
  /** Published: close every connection of a user on every node, body {@code {"userId", "reason"}}. */
  public static final String GATEWAY_DISCONNECT = "herald.gateway.disconnect";

  private Addresses() {
  }

  public static String channel(String name) {
    return CHANNEL_PREFIX + name;
  }

  public static String members(String name) {
    return MEMBERS_PREFIX + name;
  }

  public static String presenceUser(String userId) {
    return PRESENCE_USER_PREFIX + userId;
  }

  public static String inbox(String userId) {
    return USER_PREFIX + userId + INBOX_SUFFIX;
  }

  /** What a client-supplied address refers to. */
  public enum Kind {
    PRESENCE_SET, PRESENCE_GET, PRESENCE_USER, CHANNEL, CHANNEL_PUBLISH, CHANNEL_HISTORY, CHANNEL_MEMBERS,
    MEMBERS, INBOX, AUTH_REFRESH, ADMIN, RPC, SESSION, CONTACTS, NOTICES, UNKNOWN
  }

  /**
   * A parsed address: its kind and, for the parameterised ones, the channel name or user id
   * (already checked against {@link Names}). Anything malformed is {@link Kind#UNKNOWN}.
   */
  public record Target(Kind kind, String arg) {
    static final Target UNKNOWN = new Target(Kind.UNKNOWN, null);
  }

  public static Target parse(String address) {
    if (address == null || !address.startsWith(PUBLIC_PREFIX)) {
      return Target.UNKNOWN;
    }
    switch (address) {
      case PRESENCE_SET: return new Target(Kind.PRESENCE_SET, null);
      case PRESENCE_GET: return new Target(Kind.PRESENCE_GET, null);
      case CHANNEL_PUBLISH: return new Target(Kind.CHANNEL_PUBLISH, null);
      case CHANNEL_HISTORY: return new Target(Kind.CHANNEL_HISTORY, null);
      case CHANNEL_MEMBERS: return new Target(Kind.CHANNEL_MEMBERS, null);
      case AUTH_REFRESH: return new Target(Kind.AUTH_REFRESH, null);
      case RPC: return new Target(Kind.RPC, null);
      case SESSION: return new Target(Kind.SESSION, null);
      case PRESENCE_CONTACTS: return new Target(Kind.CONTACTS, null);
      case CLIENT_NOTICES: return new Target(Kind.NOTICES, null);
      case ADMIN_NODES, ADMIN_CHANNELS, ADMIN_USERS: return new Target(Kind.ADMIN, null);
      default: break;
    }
    if (address.startsWith(PRESENCE_USER_PREFIX)) {
      return param(Kind.PRESENCE_USER, address.substring(PRESENCE_USER_PREFIX.length()), false);
    }
    if (address.startsWith(CHANNEL_PREFIX)) {
      return param(Kind.CHANNEL, address.substring(CHANNEL_PREFIX.length()), true);
    }
    if (address.startsWith(MEMBERS_PREFIX)) {
      return param(Kind.MEMBERS, address.substring(MEMBERS_PREFIX.length()), true);
    }
    if (address.startsWith(USER_PREFIX) && address.endsWith(INBOX_SUFFIX)
        && address.length() > USER_PREFIX.length() + INBOX_SUFFIX.length()) {
      return param(Kind.INBOX, address.substring(USER_PREFIX.length(), address.length() - INBOX_SUFFIX.length()), false);
    }
    return Target.UNKNOWN;
  }

  private static Target param(Kind kind, String arg, boolean channel) {
    boolean ok = channel ? Names.isChannel(arg) : Names.isUserId(arg);
    return ok ? new Target(kind, arg) : Target.UNKNOWN;
  }
}
