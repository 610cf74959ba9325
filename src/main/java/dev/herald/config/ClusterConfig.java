package dev.herald.config;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code cluster}: how this node joins the Hazelcast cluster. The rest of the Hazelcast setup
 * (failure detection, maps) is in {@code cluster/cluster.xml}.
 *
 * @param host         interface for Hazelcast and the event bus; default {@value #DEFAULT_HOST}
 * @param port         Hazelcast port; default {@value #DEFAULT_PORT}; env {@code HERALD_CLUSTER_PORT}
 * @param members      {@code host:port} of the members to join (this node may be among them);
 *                     env {@code HERALD_CLUSTER_MEMBERS}, comma-separated
 * @param configFile   Hazelcast XML to start from; default the {@code cluster.xml} inside the jar.
 *                     A file that enables its own discovery (Kubernetes, multicast, a cloud) keeps
 *                     it, and {@code members} is not used; two discoveries at once stop the node
 * @param eventBusPort port of the clustered event bus; 0 picks a free one
 * @param secret       shared by every member; the Hazelcast cluster name is derived from it, so a
 *                     process without it cannot join (Hazelcast refuses a member whose cluster
 *                     name differs). Env {@code HERALD_CLUSTER_SECRET}. Unset: anyone who reaches
 *                     the cluster port can join (logged as a warning). It does not encrypt: the
 *                     cluster and event-bus ports belong on a private network.
 * @param quorum       how many members make a majority: below it (the small side of a network
 *                     split) channel publishes answer {@code unavailable} and no node-death cleanup
 *                     runs. Default: a majority of {@code members} when they are 3 or more; else 1
 *                     (off: two members cannot lose one and keep a majority). Env
 *                     {@code HERALD_CLUSTER_QUORUM}: a cluster started smaller than its member list
 *                     (one node of three, for a benchmark) sets it, or it refuses every publish.
 *                     Required with a discovery of the cluster file's own (multicast, Kubernetes):
 *                     its member list is not known in advance, so no default can be a majority
 * @param quorumSet    whether {@code quorum} was given, not derived from {@code members}
 */
public record ClusterConfig(String host, int port, List<String> members, String configFile, int eventBusPort, String secret, int quorum,
                            boolean quorumSet) {

  public static final int MIN_SECRET_BYTES = 16;

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5701;

  private static final Pattern MEMBER = Pattern.compile("[A-Za-z0-9_.-]+:\\d{1,5}");

  public ClusterConfig {
    Check.range("port", port, 1, 65535);
    Check.range("eventBusPort", eventBusPort, 0, 65535);
    Check.range("quorum", quorum, 1, 1000);
    members = List.copyOf(members);
    if (secret != null && secret.length() < MIN_SECRET_BYTES) {
      throw Check.fail("secret", " must be at least " + MIN_SECRET_BYTES + " characters");
    }
    if (members.isEmpty()) {
      throw Check.fail("members", " must list at least one host:port");
    }
    for (String m : members) {
      if (!MEMBER.matcher(m).matches() || Integer.parseInt(m.substring(m.lastIndexOf(':') + 1)) > 65535) {
        throw Check.fail("members", " entries must be host:port (was '" + m + "')");
      }
    }
  }

  static ClusterConfig from(Section s) {
    s.allowOnly(Set.of("host", "port", "members", "configFile", "eventBusPort", "secret", "quorum"));
    String host = s.string("host", DEFAULT_HOST);
    int port = s.integer("port", DEFAULT_PORT);
    List<String> members = s.strings("members", List.of(host + ":" + port));
    return s.build(() -> new ClusterConfig(host, port, members,
        s.string("configFile", null),
        s.integer("eventBusPort", 0),
        s.string("secret", null),
        s.integer("quorum", members.size() >= 3 ? members.size() / 2 + 1 : 1),
        s.has("quorum")));
  }
}
