package dev.herald.it;

import com.hazelcast.map.EntryProcessor;
import dev.herald.channel.ChannelLog;
import dev.herald.node.Node;
import dev.herald.protocol.Addresses;
import dev.herald.token.Rights;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.herald.it.TestNodes.hz;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A channel message is delivered only once its owner's backup has it, so a failover can never give
 * a seq a client saw to another message. The window between store and backup is held open on
 * purpose: the test occupies every partition thread of the backup member, so the backup of the
 * publish waits in its queue for as long as the test wants.
 */
class ChannelFailoverIT {

  @RegisterExtension
  // a publish timeout far past the hold: what is tested is what completes, not the clock
  static final TestNodes nodes = TestNodes.pair(new JsonObject().put("broadcast", new JsonObject().put("publishTimeoutMs", 30_000)));

  /** Holds the partition thread it runs on until released (this JVM runs both nodes, so a static latch reaches it). */
  static final class Hold implements EntryProcessor<String, String, Void> {
    static volatile CountDownLatch entered;
    static volatile CountDownLatch release;

    @Override
    public Void process(Map.Entry<String, String> entry) {
      entered.countDown();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }

    @Override
    public EntryProcessor<String, String, Void> getBackupProcessor() {
      return null;
    }
  }

  /** A key whose partition {@code n} owns. */
  private static String ownedBy(Node n, String prefix) {
    return ownedOnThread(n, prefix, 0, 1);
  }

  /** A key whose partition {@code n} owns and runs on partition thread {@code thread} of {@code threads}. */
  static String ownedOnThread(Node n, String prefix, int thread, int threads) {
    for (int i = 0; ; i++) {
      String key = prefix + i;
      var partition = hz(n).getPartitionService().getPartition(key);
      if (partition.getOwner().localMember() && partition.getPartitionId() % threads == thread) {
        return key;
      }
    }
  }

  @Test
  @DisplayName("between store and backup nothing is delivered and nothing acknowledged; once the backup has it, both happen, with the seq history keeps")
  void deliveredOnlyOnceBackedUp() throws Exception {
    // every partition of a has its backup on b (not still migrating after b joined)
    Eventually.eventually(Duration.ofSeconds(30), "the cluster safe", () -> hz(nodes.a()).getPartitionService().isClusterSafe());
    String channel = ownedBy(nodes.a(), "failover.c");
    Rights rights = Rights.read("failover.*").publish("failover.*");
    try (WsClient subscriber = nodes.connect(nodes.b(), "fo", rights);
         WsClient publisher = nodes.connect(nodes.a(), "fo", rights)) {
      subscriber.subscribe(Addresses.channel(channel));
      publisher.sync();

      // occupy each of b's partition threads (partition p runs on thread p % threads): the backup
      // of anything a owns now waits on b
      String prefix = "hz." + hz(nodes.b()).getName() + ".partition-operation.thread-";
      int threads = (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
      assertTrue(threads > 0, "b's partition threads found");
      Hold.entered = new CountDownLatch(threads);
      Hold.release = new CountDownLatch(1);
      List<CompletionStage<Void>> held = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        held.add(hz(nodes.b()).<String, String>getMap("test.hold").submitToKey(ownedOnThread(nodes.b(), "hold", t, threads), new Hold()));
      }
      try {
        assertTrue(Hold.entered.await(15, TimeUnit.SECONDS), "every partition thread of b held");
        publisher.send(new JsonObject().put("type", "send").put("address", Addresses.CHANNEL_PUBLISH).put("replyAddress", "pub-1")
            .put("body", new JsonObject().put("channel", channel).put("data", "A").put("id", "msg-A")));
        // positive signal: the owner has stored it (a read on a, which owns the channel)
        Eventually.eventually(Duration.ofSeconds(15), "seq 1 stored on the owner", () -> {
          ChannelLog log = hz(nodes.a()).<String, ChannelLog>getMap("herald.channels").get(channel);
          return log != null && log.nextSeq() == 2;
        });
        // the subscriber's gateway has handed it every frame it had for it before this answer (the
        // publisher's would answer only after its pending publish: a connection's requests are in order)
        subscriber.sync();
        assertTrue(subscriber.pending().stream().noneMatch(f -> Addresses.channel(channel).equals(f.getString("address"))),
            () -> "delivered before the backup had it: " + subscriber.pending());
        assertTrue(publisher.pending().isEmpty(), () -> "acknowledged before the backup had it: " + publisher.pending());
        assertEquals(0, hz(nodes.b()).getMap("herald.channels").getLocalMapStats().getBackupEntryCount(), "the backup is still waiting");
      } finally {
        Hold.release.countDown();
      }
      for (CompletionStage<Void> h : held) {
        h.toCompletableFuture().get(15, TimeUnit.SECONDS);
      }

      JsonObject ack = publisher.awaitOn("pub-1");
      assertEquals(1, ack.getJsonObject("body").getLong("seq"), ack::encode);
      JsonObject delivered = subscriber.awaitOn(Addresses.channel(channel)).getJsonObject("body");
      assertEquals(1, delivered.getLong("seq"));
      assertEquals("A", delivered.getString("data"));
      ChannelLog backup = hz(nodes.b()).<String, ChannelLog>getMap("herald.channels").get(channel);
      assertEquals(1, backup.range(1, 1).size(), "history holds seq 1");
      assertEquals("\"A\"", backup.range(1, 1).get(0).data());
    }
  }
}
