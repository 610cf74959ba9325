package dev.herald.it;

import dev.herald.channel.ChannelLog;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.ErrorCode;
import dev.herald.token.Rights;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.herald.it.TestNodes.hz;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Herald acknowledges, two members hold: the windows where Hazelcast completes a write
 * without its backup, held open on purpose (every partition thread of the backup member
 * occupied, as in {@link ChannelFailoverIT}), and the answer a publisher gets in each.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UnconfirmedPublishIT {

  // a publish timeout far past the holds below: what is tested is what completes, not the clock
  @RegisterExtension
  static final TestNodes nodes = TestNodes.pair(new JsonObject().put("broadcast", new JsonObject().put("publishTimeoutMs", 30_000)));
  private static final Rights RIGHTS = Rights.read("uc.*").publish("uc.*");

  /** Occupies every partition thread of b: the backup of anything a owns waits there until the returned latch is counted down. */
  private static CountDownLatch holdBackups(List<CompletionStage<Void>> held) throws Exception {
    Eventually.eventually(Duration.ofSeconds(30), "the cluster safe", () -> hz(nodes.a()).getPartitionService().isClusterSafe());
    String prefix = "hz." + hz(nodes.b()).getName() + ".partition-operation.thread-";
    int threads = (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    assertTrue(threads > 0, "b's partition threads found");
    ChannelFailoverIT.Hold.entered = new CountDownLatch(threads);
    ChannelFailoverIT.Hold.release = new CountDownLatch(1);
    for (int t = 0; t < threads; t++) {
      held.add(hz(nodes.b()).<String, String>getMap("test.hold").submitToKey(ChannelFailoverIT.ownedOnThread(nodes.b(), "hold", t, threads), new ChannelFailoverIT.Hold()));
    }
    assertTrue(ChannelFailoverIT.Hold.entered.await(15, TimeUnit.SECONDS), "every partition thread of b held");
    return ChannelFailoverIT.Hold.release;
  }

  private static JsonObject publish(String channel, String data, String id, String replyAddress) {
    return new JsonObject().put("type", "send").put("address", Addresses.CHANNEL_PUBLISH).put("replyAddress", replyAddress)
        .put("body", new JsonObject().put("channel", channel).put("data", data).put("id", id));
  }

  private static void awaitSeq(String channel, long last) {
    Eventually.eventually(Duration.ofSeconds(15), "seq " + last + " stored on the owner", () -> {
      ChannelLog log = hz(nodes.a()).<String, ChannelLog>getMap("herald.channels").get(channel);
      return log != null && log.nextSeq() == last + 1;
    });
  }

  @Test
  @Order(1)
  @DisplayName("a publisher's retry (same id) while the first try still waits for its backup is neither acknowledged nor delivered until the backup has the message")
  void repeatWaitsForTheBackup() throws Exception {
    String channel = ChannelFailoverIT.ownedOnThread(nodes.a(), "uc.repeat", 0, 1);
    try (WsClient subscriber = nodes.connect(nodes.b(), "unconfirmed", RIGHTS);
         WsClient first = nodes.connect(nodes.a(), "unconfirmed", RIGHTS);
         WsClient retry = nodes.connect(nodes.a(), "unconfirmed", RIGHTS);
         WsClient other = nodes.connect(nodes.a(), "unconfirmed", RIGHTS)) {
      subscriber.subscribe(Addresses.channel(channel));
      first.sync();
      retry.sync();
      other.sync();
      List<CompletionStage<Void>> held = new ArrayList<>();
      CountDownLatch release = holdBackups(held);
      try {
        first.send(publish(channel, "R", "msg-R", "try-1"));
        awaitSeq(channel, 1);
        // the retry, as herald-client.js sends one after a timeout: the same id, on another connection
        retry.send(publish(channel, "R", "msg-R", "try-2"));
        // a positive signal that the retry ran on the owner: the next message on the channel runs on
        // the same partition thread after it, and takes seq 2
        other.send(publish(channel, "S", "msg-S", "other-1"));
        awaitSeq(channel, 2);
        subscriber.sync();
        assertTrue(retry.pending().isEmpty(), () -> "the retry was acknowledged before the backup had the message: " + retry.pending());
        assertTrue(first.pending().isEmpty(), () -> "acknowledged before the backup had it: " + first.pending());
        assertTrue(subscriber.pending().stream().noneMatch(f -> Addresses.channel(channel).equals(f.getString("address"))),
            () -> "delivered before the backup had it: " + subscriber.pending());
      } finally {
        release.countDown();
      }
      for (CompletionStage<Void> h : held) {
        h.toCompletableFuture().get(15, TimeUnit.SECONDS);
      }
      assertEquals(1, first.awaitOn("try-1").getJsonObject("body").getLong("seq"));
      assertEquals(1, retry.awaitOn("try-2").getJsonObject("body").getLong("seq"));
      assertEquals(2, other.awaitOn("other-1").getJsonObject("body").getLong("seq"));
      assertEquals("R", subscriber.awaitOn(Addresses.channel(channel)).getJsonObject("body").getString("data"));
      ChannelLog backup = hz(nodes.b()).<String, ChannelLog>getMap("herald.channels").get(channel);
      assertEquals(2, backup.nextSeq() - 1, "the backup holds both messages");
    }
  }

  @Test
  @Order(2)
  @DisplayName("a publish whose backup member dies while it waits is answered unavailable, not acknowledged (Hazelcast credits the dead member's ack); the retry with the same id stores nothing twice")
  void backupMemberLeavesMidWrite() throws Exception {
    String channel = ChannelFailoverIT.ownedOnThread(nodes.a(), "uc.left", 0, 1);
    try (WsClient publisher = nodes.connect(nodes.a(), "unconfirmed", RIGHTS)) {
      publisher.sync();
      List<CompletionStage<Void>> held = new ArrayList<>();
      CountDownLatch release = holdBackups(held);
      publisher.send(publish(channel, "L", "msg-L", "left-1"));
      awaitSeq(channel, 1);
      // b's Hazelcast dies with the backup still queued on its held threads
      hz(nodes.b()).getLifecycleService().terminate();
      release.countDown();
      JsonObject answer = publisher.awaitOn("left-1");
      assertEquals("err", answer.getString("type"), answer::encode);
      assertEquals(ErrorCode.UNAVAILABLE.code, answer.getInteger("failureCode"), answer::encode);
      assertTrue(answer.getString("message").contains("a member left"), answer::encode);
      publisher.send(publish(channel, "L", "msg-L", "left-2"));
      JsonObject again = publisher.awaitOn("left-2");
      assertEquals(1, again.getJsonObject("body").getLong("seq"), again::encode);
      assertEquals(1, hz(nodes.a()).<String, ChannelLog>getMap("herald.channels").get(channel).nextSeq() - 1, "stored once");
    } finally {
      nodes.stop(nodes.b()).otherwiseEmpty().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
