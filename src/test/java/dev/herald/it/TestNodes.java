package dev.herald.it;

import dev.herald.node.Node;
import dev.herald.token.TestTokens;
import dev.herald.config.HeraldConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;

/** Real nodes for tests, on free ports, sharing {@link TestTokens#SECRET}. */
public final class TestNodes {

  private TestNodes() {
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
    JsonArray members = new JsonArray();
    memberPorts.forEach(p -> members.add("127.0.0.1:" + p));
    JsonObject json = new JsonObject()
        .put("node", new JsonObject().put("name", "test-" + httpPort))
        .put("http", new JsonObject().put("port", httpPort).put("host", "127.0.0.1"))
        .put("cluster", new JsonObject().put("port", clusterPort).put("members", members))
        .put("auth", new JsonObject().put("devTokens", false)
            .put("jwt", new JsonObject().put("algorithm", "HS256").put("secret", TestTokens.SECRET)))
        .put("roles", new JsonObject().put("gateway", 1).put("auth", 1).put("presence", 1).put("heartbeat", 1).put("broadcast", 1));
    return HeraldConfig.fromJson(json.mergeIn(overrides, true));
  }

  /** Two nodes forming one cluster, started one after the other, and a Vert.x for the test's clients. */
  public record Pair(Node a, Node b, Vertx client) {
    public void stop() {
      client.close().await();
      b.stop().await();
      a.stop().await();
    }
  }

  /** Starts a two-node cluster, each node with {@code overrides}. */
  public static Pair pair(JsonObject overrides) {
    return pair(overrides, overrides);
  }

  public static Pair pair(JsonObject overridesA, JsonObject overridesB) {
    int hzA = freePort();
    int hzB = freePort();
    List<Integer> members = List.of(hzA, hzB);
    Node a = start(config(freePort(), hzA, members, overridesA));
    Node b = start(config(freePort(), hzB, members, overridesB));
    return new Pair(a, b, Vertx.vertx());
  }

  /** Starts a node and waits until it is ready. */
  public static Node start(HeraldConfig config) {
    return Node.start(config).await();
  }
}
