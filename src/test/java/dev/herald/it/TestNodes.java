package dev.herald.it;

import com.hazelcast.core.HazelcastInstance;
import dev.herald.config.HeraldConfig;
import dev.herald.node.Node;
import dev.herald.token.Rights;
import dev.herald.token.TestTokens;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Real nodes for a test class, in this JVM, on free ports, sharing {@link TestTokens#SECRET}: a
 * JUnit 5 extension that starts them (one after the other, each ready) before the class's tests and
 * stops them after, with a Vert.x for the test's clients.
 *
 * <pre>{@code
 * @RegisterExtension static final TestNodes nodes = TestNodes.pair(overrides);
 *
 * try (WsClient alice = nodes.connect(nodes.a(), "alice", Rights.read("room.*").publish("room.*"));
 *      WsClient bob = nodes.connect(nodes.b(), "bob")) { ... }
 * }</pre>
 */
public final class TestNodes implements BeforeAllCallback, AfterAllCallback {

  private final List<JsonObject> overrides;
  private final List<Node> nodes = new ArrayList<>();
  private final List<Node> stopped = new ArrayList<>();
  private Vertx client;

  private TestNodes(List<JsonObject> overrides) {
    this.overrides = overrides;
  }

  /** One node with {@code overrides}. */
  public static TestNodes single(JsonObject overrides) {
    return new TestNodes(List.of(overrides));
  }

  /** Two nodes forming one cluster, each with {@code overrides}. */
  public static TestNodes pair(JsonObject overrides) {
    return pair(overrides, overrides);
  }

  public static TestNodes pair(JsonObject overridesA, JsonObject overridesB) {
    return new TestNodes(List.of(overridesA, overridesB));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    List<Integer> hz = overrides.stream().map(o -> freePort()).toList();
    for (int i = 0; i < overrides.size(); i++) {
      nodes.add(start(config(freePort(), hz.get(i), hz, overrides.get(i))));
    }
    // tests start on a settled cluster: while partitions migrate after a join, a publish can wait
    // for its backup's ack (up to the backup timeout of cluster.xml) longer than a client waits
    Eventually.eventually(java.time.Duration.ofSeconds(60), "the cluster safe (no partition migrating)",
        () -> hz(nodes.get(0)).getPartitionService().isClusterSafe());
    client = Vertx.vertx();
  }

  /** Stops the client Vert.x and every node, last started first (one a test stopped itself is skipped). */
  @Override
  public void afterAll(ExtensionContext context) {
    if (client != null) {
      client.close().await();
    }
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Node n = nodes.get(i);
      if (!stopped.contains(n)) {
        n.stop().await();
      }
    }
  }

  /** Stops a node in the middle of the class's tests; it is not stopped again after them. */
  public io.vertx.core.Future<Void> stop(Node n) {
    stopped.add(n);
    return n.stop();
  }

  public Node a() {
    return nodes.get(0);
  }

  public Node b() {
    return nodes.get(1);
  }

  /** The first node's HTTP port. */
  public int port() {
    return port(a());
  }

  /** A Vert.x of the test's own, for its clients. */
  public Vertx client() {
    return client;
  }

  /** A node's Hazelcast member. */
  public static HazelcastInstance hz(Node n) {
    return n.clusterManager().getHazelcastInstance();
  }

  /** A node's HTTP port. */
  public static int port(Node n) {
    return n.config().http().port();
  }

  /** A client of {@code n}, connected (and pinging) as {@code user} with no rights claim. */
  public WsClient connect(Node n, String user) {
    return connect(n, user, Rights.none());
  }

  /** A client of {@code n}, connected (and pinging) as {@code user} with {@code rights}, for an hour. */
  public WsClient connect(Node n, String user, Rights rights) {
    return connectWithToken(n, rights.token(user));
  }

  /** A client of {@code n}, connected (and pinging) with a token of the test's own making. */
  public WsClient connectWithToken(Node n, String token) {
    return WsClient.connect(client, port(n), token);
  }

  /** An HTTP client of the first node (lazy: made before the nodes start, it asks the port at each call). */
  public NodeHttp http() {
    return http(null);
  }

  /** As {@link #http()}, reading {@code /metrics} with {@code metricsToken}. */
  public NodeHttp http(String metricsToken) {
    return new NodeHttp(this::port, metricsToken);
  }

  /** Starts an HTTP server on the client Vert.x (a webhook receiver, a backend) on {@code port} of 127.0.0.1. */
  public void listen(int port, Handler<HttpServerRequest> handler) {
    client.createHttpServer().requestHandler(handler).listen(port, "127.0.0.1").await();
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A node config: HTTP on {@code httpPort}, Hazelcast on {@code clusterPort} joining {@code members},
   * HS256 with the test secret, no dev tokens, then {@code overrides} merged in deeply.
   */
  public static HeraldConfig config(int httpPort, int clusterPort, List<Integer> memberPorts, JsonObject overrides) {
    return HeraldConfig.fromJson(configJson(httpPort, clusterPort, memberPorts, overrides));
  }

  /** {@link #config}'s JSON, for a node started as its own process from a conf file. */
  public static JsonObject configJson(int httpPort, int clusterPort, List<Integer> memberPorts, JsonObject overrides) {
    JsonArray members = new JsonArray();
    memberPorts.forEach(p -> members.add("127.0.0.1:" + p));
    JsonObject json = new JsonObject()
        .put("node", new JsonObject().put("name", "test-" + httpPort))
        .put("http", new JsonObject().put("port", httpPort).put("host", "127.0.0.1"))
        .put("cluster", new JsonObject().put("port", clusterPort).put("members", members))
        .put("auth", new JsonObject().put("devTokens", false)
            .put("jwt", new JsonObject().put("algorithm", "HS256").put("secret", TestTokens.SECRET)))
        .put("roles", new JsonObject().put("gateway", 1).put("auth", 1).put("presence", 1).put("heartbeat", 1).put("broadcast", 1));
    return json.mergeIn(overrides.copy(), true);
  }

  /** Starts a node and waits until it is ready. */
  public static Node start(HeraldConfig config) {
    return Node.start(config).await();
  }
}
