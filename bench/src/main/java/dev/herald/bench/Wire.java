package dev.herald.bench;

/**
 * The public addresses the load generator uses, as docs/protocol.md section 2 defines them: the
 * bench is a client of the wire protocol, like herald-client.js, and shares no code with the server.
 */
final class Wire {

  static final String CHANNEL_PUBLISH = "rt.channel.publish";
  static final String PRESENCE_SET = "rt.presence.set";

  private Wire() {
  }

  static String channel(String name) {
    return "rt.channel." + name;
  }

  static String inbox(String user) {
    return "rt.user." + user + ".inbox";
  }

  static String presenceUser(String user) {
    return "rt.presence.user." + user;
  }
}
