package dev.herald.it;

import dev.herald.node.Node;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClusterSecretIT {

  private static JsonObject secret(String s) {
    return new JsonObject().put("cluster", new JsonObject().put("secret", s));
  }

  @Test
  @DisplayName("attack: a process without the cluster secret cannot join; one with it can")
  void membersNeedTheSecret() {
    int hzA = TestNodes.freePort();
    int hzRogue = TestNodes.freePort();
    int hzB = TestNodes.freePort();
    Node a = TestNodes.start(TestNodes.config(TestNodes.freePort(), hzA, List.of(hzA), secret("the-cluster-secret-0123456789")));
    Node rogue = null;
    Node b = null;
    try {
      rogue = TestNodes.start(TestNodes.config(TestNodes.freePort(), hzRogue, List.of(hzA, hzRogue), secret("a-guessed-secret-0123456789")));
      assertEquals(1, rogue.clusterManager().getNodes().size(), "the rogue formed a cluster of its own");
      b = TestNodes.start(TestNodes.config(TestNodes.freePort(), hzB, List.of(hzA, hzB), secret("the-cluster-secret-0123456789")));
      assertEquals(2, b.clusterManager().getNodes().size());
      assertEquals(2, a.clusterManager().getNodes().size(), "the rogue is not a member");
    } finally {
      if (b != null) {
        b.stop().await();
      }
      if (rogue != null) {
        rogue.stop().await();
      }
      a.stop().await();
    }
  }
}
