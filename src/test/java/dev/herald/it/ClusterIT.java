package dev.herald.it;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.herald.cluster.ClusterHandle;
import dev.herald.node.Node;
import dev.herald.token.Rights;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.herald.it.TestNodes.hz;
import static dev.herald.token.TestTokens.claims;
import static dev.herald.token.TestTokens.hs256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two real nodes in one JVM, joined through Hazelcast on loopback. */
class ClusterIT {

  @RegisterExtension
  static final TestNodes nodes = TestNodes.pair(new JsonObject(), new JsonObject()
      .put("roles", new JsonObject().put("gateway", 1).put("auth", 0)));

  /**
   * Publishes on {@code from} until {@code to} receives it: a new registration reaches the other
   * node's view of the cluster asynchronously, so the first publish may find no one there yet.
   */
  private static JsonObject publishUntilReceived(Node from, WsClient to, String address) {
    long timer = from.vertx().setPeriodic(0, 50, id -> from.vertx().eventBus().publish(address, new JsonObject().put("via", from.config().node().name())));
    try {
      return to.awaitOn(address);
    } finally {
      from.vertx().cancelTimer(timer);
    }
  }

  @Test
  @DisplayName("the two nodes form one cluster")
  void formed() {
    assertEquals(2, nodes.a().clusterManager().getNodes().size());
    assertEquals(2, nodes.b().clusterManager().getNodes().size());
  }

  @Test
  @DisplayName("a client on node A receives what is published on node B, on channels and inboxes")
  void crossNodeDelivery() {
    try (WsClient onA = nodes.connect(nodes.a(), "carol", Rights.read("room.*"))) {
      onA.subscribe("rt.channel.room.x");
      onA.subscribe("rt.user.carol.inbox");
      assertEquals(nodes.b().config().node().name(), publishUntilReceived(nodes.b(), onA, "rt.channel.room.x").getJsonObject("body").getString("via"));
      assertEquals(nodes.b().config().node().name(), publishUntilReceived(nodes.b(), onA, "rt.user.carol.inbox").getJsonObject("body").getString("via"));
    }
  }

  @Test
  @DisplayName("many sockets on one node share one cluster registration per address")
  void oneClusterRegistrationPerAddress() {
    List<WsClient> clients = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        WsClient c = nodes.connect(nodes.a(), "dave", Rights.read("*"));
        c.subscribe("rt.channel.shared");
        clients.add(c);
      }
      var subs = hz(nodes.a()).getMultiMap("__vertx.subs");
      assertEquals(1, subs.get("rt.channel.shared").size(), "one registration for 20 local subscribers");
      publishUntilReceived(nodes.b(), clients.get(0), "rt.channel.shared");
      // whatever reached the first subscriber through the shared registration reached all of them
      for (WsClient c : clients.subList(1, clients.size())) {
        assertEquals(nodes.b().config().node().name(), c.awaitOn("rt.channel.shared").getJsonObject("body").getString("via"));
      }
    } finally {
      clients.forEach(WsClient::close);
    }
  }

  /** Adds one to a stored count and answers the new count: a processor with a result per key. */
  static final class Increment implements EntryProcessor<String, Integer, Integer> {
    private static final long serialVersionUID = 1L;

    @Override
    public Integer process(Map.Entry<String, Integer> entry) {
      int next = (entry.getValue() == null ? 0 : entry.getValue()) + 1;
      entry.setValue(next);
      return next;
    }
  }

  /** {@link ClusterHandle#onKeys} from node a. */
  private static <R> Future<Map<String, R>> onKeys(IMap<String, Integer> map, Set<String> keys, EntryProcessor<String, Integer, R> processor) {
    return ClusterHandle.of(hz(nodes.a()), 1).onKeys(map, keys, processor, nodes.a().vertx().getOrCreateContext());
  }

  /** Keys k0..k(n-1) stored with the values 0..n-1; the keys. */
  private static Set<String> counts(IMap<String, Integer> map, int n) {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < n; i++) {
      keys.add("k" + i);
      map.set("k" + i, i);
    }
    return keys;
  }

  @Test
  @DisplayName("a processor run on keys of every partition, one call per partition, answers every key and changes each once")
  void onKeysAcrossPartitions() {
    HazelcastInstance hz = hz(nodes.a());
    IMap<String, Integer> map = hz.getMap("test.onkeys");
    Set<String> keys = counts(map, 2_000);
    long partitions = keys.stream().map(k -> hz.getPartitionService().getPartition(k).getPartitionId()).distinct().count();
    assertTrue(partitions > 200, "the keys span most partitions, owned by both members: " + partitions);
    Map<String, Integer> results = onKeys(map, keys, new Increment()).await();
    assertEquals(keys.size(), results.size(), "a result for every key");
    for (int i = 0; i < 2_000; i++) {
      assertEquals(i + 1, results.get("k" + i));
      assertEquals(i + 1, map.get("k" + i));
    }
  }

  /** {@link Increment}, except that it throws on one key: that key's partition's call fails. */
  static final class IncrementButOne implements EntryProcessor<String, Integer, Integer> {
    private static final long serialVersionUID = 1L;
    private final String failOn;

    IncrementButOne(String failOn) {
      this.failOn = failOn;
    }

    @Override
    public Integer process(Map.Entry<String, Integer> entry) {
      if (entry.getKey().equals(failOn)) {
        throw new IllegalStateException("refused " + failOn);
      }
      return new Increment().process(entry);
    }
  }

  @Test
  @DisplayName("when one partition's call fails, onKeys fails with the results of every other partition's keys, which were changed")
  void onKeysPartlyApplied() {
    HazelcastInstance hz = hz(nodes.a());
    IMap<String, Integer> map = hz.getMap("test.onkeys.partly");
    Set<String> keys = counts(map, 500);
    int failing = hz.getPartitionService().getPartition("k7").getPartitionId();
    Throwable failure = assertThrows(Throwable.class, () -> onKeys(map, keys, new IncrementButOne("k7")).await());
    Map<String, Integer> applied = ClusterHandle.PartlyApplied.appliedBy(failure);
    int elsewhere = 0;
    for (int i = 0; i < 500; i++) {
      String k = "k" + i;
      if (hz.getPartitionService().getPartition(k).getPartitionId() != failing) {
        elsewhere++;
        assertEquals(i + 1, applied.get(k), k);
        assertEquals(i + 1, map.get(k), k);
      }
    }
    assertEquals(elsewhere, applied.size(), "results for the keys of the partitions whose call succeeded, and only those");
    assertTrue(elsewhere > 400, "most keys are in other partitions: " + elsewhere);
  }

  @Test
  @DisplayName("a node without the auth role still verifies tokens and refreshes through another node's auth service")
  void refreshAcrossNodes() {
    try (WsClient onB = nodes.connect(nodes.b(), "erin")) {
      JsonObject r = onB.request("rt.auth.refresh", new JsonObject().put("token", hs256(claims("erin"))));
      assertEquals("rec", r.getString("type"), r::encode);
      assertTrue(r.getJsonObject("body").getLong("exp") > 0);
    }
  }
}
