package dev.herald.it;

import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Addresses;
import dev.herald.token.Rights;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Channel messages across two real nodes in one JVM. */
class ChannelsIT {

  // these tests are about order, not limits
  @RegisterExtension
  static final TestNodes nodes = TestNodes.pair(new JsonObject()
      .put("broadcast", new JsonObject().put("historySize", 100).put("maxDataBytes", 1024))
      // a long settle bound: registerReachesTheOwner's storm of registrations may lag the owner for seconds on a slow machine
      .put("bridge", new JsonObject().put("publishPerSecond", 100_000).put("registerSettleMs", 20_000))
      .put("namespaces", new JsonObject().put("me", new JsonObject().put("userLimited", true).put("clientPublish", false))
          .put("tiny", new JsonObject().put("historySize", 1))
          .put("score", new JsonObject().put("recovery", "cache"))));

  private static JsonObject publish(WsClient c, String channel, Object data) {
    return c.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", channel).put("data", data));
  }

  @Test
  @DisplayName("two publishers on two nodes, 1000 messages into one channel: every subscriber sees seq 1..1000 once, in order, each publisher's in the order it sent them")
  void totalOrder() {
    String channel = "order.test";
    List<WsClient> subscribers = List.of(nodes.connect(nodes.a(), "sub1", Rights.all()), nodes.connect(nodes.b(), "sub2", Rights.all()),
        nodes.connect(nodes.b(), "sub3", Rights.all()));
    subscribers.forEach(s -> s.subscribe(Addresses.channel(channel)));
    WsClient pubA = nodes.connect(nodes.a(), "pubA", Rights.all());
    WsClient pubB = nodes.connect(nodes.b(), "pubB", Rights.all());
    // both publish at once, 50 requests in flight each (under the 100 pending-replies limit)
    List<Long> acked = new ArrayList<>();
    java.util.Map<WsClient, Long> lastAck = new java.util.HashMap<>();
    for (int batch = 0; batch < 10; batch++) {
      for (int i = batch * 50; i < (batch + 1) * 50; i++) {
        for (WsClient p : List.of(pubA, pubB)) {
          p.send(new JsonObject().put("type", "send").put("address", Addresses.CHANNEL_PUBLISH).put("replyAddress", "p" + i)
              .put("body", new JsonObject().put("channel", channel).put("data", new JsonObject().put("i", i))));
        }
      }
      for (WsClient p : List.of(pubA, pubB)) {
        for (int i = batch * 50; i < (batch + 1) * 50; i++) {
          String reply = "p" + i;
          JsonObject r = p.await(f -> reply.equals(f.getString("address")));
          assertEquals("rec", r.getString("type"), r::encode);
          long seq = r.getJsonObject("body").getLong("seq");
          assertTrue(seq > lastAck.getOrDefault(p, 0L), "a connection's publishes take effect in the order it sent them");
          lastAck.put(p, seq);
          acked.add(seq);
        }
      }
    }
    assertEquals(1000, acked.stream().distinct().count(), "every publish got its own seq");
    for (WsClient s : subscribers) {
      java.util.Map<String, Integer> lastI = new java.util.HashMap<>();
      for (long seq = 1; seq <= 1000; seq++) {
        JsonObject m = s.awaitOn(Addresses.channel(channel)).getJsonObject("body");
        assertEquals(seq, m.getLong("seq"), "in order, no gap, no duplicate");
        int i = m.getJsonObject("data").getInteger("i");
        assertTrue(i > lastI.getOrDefault(m.getString("from"), -1), "each publisher's messages in the order it sent them");
        lastI.put(m.getString("from"), i);
        assertEquals(channel, m.getString("channel"));
        assertTrue(m.getString("from").startsWith("pub"));
      }
      s.sync();
      assertTrue(s.pending().isEmpty(), () -> "nothing more: " + s.pending().size());
    }
    subscribers.forEach(WsClient::close);
    pubA.close();
    pubB.close();
  }

  @Test
  @DisplayName("a subscription's first message comes whole (seq, epoch, ts, the verified sender, the trace id given); the next ones short")
  void messageFields() {
    try (WsClient sub = nodes.connect(nodes.b(), "reader", Rights.all()); WsClient pub = nodes.connect(nodes.a(), "writer", Rights.all())) {
      sub.subscribe(Addresses.channel("fields"));
      JsonObject ack = pub.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "fields").put("data", new JsonArray().add(1)),
          new JsonObject().put("traceId", "trace-fields-1"));
      assertEquals(new JsonObject().put("channel", "fields").put("seq", 1), ack.getJsonObject("body"));
      JsonObject first = sub.awaitOn(Addresses.channel("fields"));
      assertNull(first.getValue("short"), first::encode);
      JsonObject m = first.getJsonObject("body");
      assertEquals("writer", m.getString("from"));
      assertEquals("trace-fields-1", m.getString("traceId"));
      assertEquals(new JsonArray().add(1), m.getJsonArray("data"));
      assertTrue(m.getLong("ts") > 0);
      assertFalse(m.getString("epoch").isEmpty());
      // no trace id given: none carried; the frame is [seq, data, from], in the first one's epoch
      pub.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "fields").put("data", "two"));
      JsonObject second = sub.awaitOn(Addresses.channel("fields"));
      assertEquals(Boolean.TRUE, second.getBoolean("short"), second::encode);
      JsonObject m2 = second.getJsonObject("body");
      assertEquals(new JsonObject().put("channel", "fields").put("seq", 2).put("epoch", m.getString("epoch")).put("data", "two")
          .put("from", "writer"), m2);
      // history keeps the long form, ts included, and the trace id only where one was given
      JsonObject h = pub.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "fields").put("since", 0)).getJsonObject("body");
      assertEquals("trace-fields-1", h.getJsonArray("messages").getJsonObject(0).getString("traceId"));
      assertNull(h.getJsonArray("messages").getJsonObject(1).getValue("traceId"));
      assertTrue(h.getJsonArray("messages").getJsonObject(1).getLong("ts") > 0);
    }
  }

  @Test
  @DisplayName("history answers what came after since; a gap larger than the history says recovered false")
  void history() {
    try (WsClient c = nodes.connect(nodes.a(), "historian", Rights.all())) {
      for (int i = 1; i <= 50; i++) {
        publish(c, "hist.small", i);
      }
      JsonObject h = c.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "hist.small").put("since", 20)).getJsonObject("body");
      assertTrue(h.getBoolean("recovered"));
      assertEquals(30, h.getJsonArray("messages").size());
      assertEquals(21, h.getJsonArray("messages").getJsonObject(0).getInteger("data"));
      assertEquals(51, h.getLong("nextSeq"));
      for (int i = 1; i <= 150; i++) {
        publish(c, "hist.big", i);
      }
      JsonObject gap = c.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "hist.big").put("since", 10).put("limit", 1000))
          .getJsonObject("body");
      assertFalse(gap.getBoolean("recovered"));
      assertEquals(100, gap.getJsonArray("messages").size());
      JsonObject never = c.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "hist.none").put("since", 0)).getJsonObject("body");
      assertTrue(never.getBoolean("recovered"));
      assertTrue(never.getJsonArray("messages").isEmpty());
    }
  }

  @Test
  @DisplayName("bad publishes and history requests are refused with codes, and nothing is stored")
  void badInput() {
    try (WsClient c = nodes.connect(nodes.a(), "sloppy", Rights.all())) {
      assertEquals(ErrorCode.BAD_REQUEST.code, c.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "bad.in")).getInteger("failureCode"));
      assertEquals(ErrorCode.TOO_LARGE.code, publish(c, "bad.in", "x".repeat(2000)).getInteger("failureCode"));
      for (JsonObject body : List.of(new JsonObject().put("channel", "bad.in"), new JsonObject().put("channel", "bad.in").put("since", -1),
          new JsonObject().put("channel", "bad.in").put("since", "0"), new JsonObject().put("channel", "bad.in").put("since", 0).put("limit", 5000))) {
        assertEquals(ErrorCode.BAD_REQUEST.code, c.request(Addresses.CHANNEL_HISTORY, body).getInteger("failureCode"), body::encode);
      }
      JsonObject h = c.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "bad.in").put("since", 0)).getJsonObject("body");
      assertEquals(1, h.getLong("nextSeq"));
    }
  }

  @Test
  @DisplayName("a publish repeated with the same id, on either node, answers the original seq and stores nothing; subscribers see it once")
  void idempotentPublish() {
    String channel = "idem.test";
    try (WsClient sub = nodes.connect(nodes.b(), "idem-sub", Rights.all()); WsClient p1 = nodes.connect(nodes.a(), "idem-pub", Rights.all());
         WsClient p2 = nodes.connect(nodes.b(), "idem-pub", Rights.all())) {
      sub.subscribe(Addresses.channel(channel));
      JsonObject body = new JsonObject().put("channel", channel).put("data", "once").put("id", "order-42");
      JsonObject first = p1.request(Addresses.CHANNEL_PUBLISH, body).getJsonObject("body");
      JsonObject again = p2.request(Addresses.CHANNEL_PUBLISH, body).getJsonObject("body");
      assertEquals(first.getLong("seq"), again.getLong("seq"));
      JsonObject next = p1.request(Addresses.CHANNEL_PUBLISH, body.copy().put("id", "order-43")).getJsonObject("body");
      assertEquals(first.getLong("seq") + 1, next.getLong("seq"));
      // the next message arriving proves the repeat, published before it, was not delivered
      assertEquals(first.getLong("seq"), sub.awaitOn(Addresses.channel(channel)).getJsonObject("body").getLong("seq"));
      assertEquals(next.getLong("seq"), sub.awaitOn(Addresses.channel(channel)).getJsonObject("body").getLong("seq"));
      JsonObject history = p1.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", channel).put("since", 0)).getJsonObject("body");
      assertEquals(2, history.getJsonArray("messages").size());
      JsonObject bad = p1.request(Addresses.CHANNEL_PUBLISH, body.copy().put("id", "has space"));
      assertEquals(ErrorCode.BAD_REQUEST.code, bad.getInteger("failureCode"));
    }
  }

  @Test
  @DisplayName("a personal channel: alice's two devices on two nodes get me:alice with no register (server-side), each message once, with history; "
      + "bob cannot read it whatever his claims, and alice cannot publish to it")
  void personalChannel() throws Exception {
    Rights mine = Rights.none().subscribe("me:alice");
    try (WsClient phone = nodes.connect(nodes.a(), "alice", mine); WsClient laptop = nodes.connect(nodes.b(), "alice", mine);
         WsClient bob = nodes.connect(nodes.b(), "bob", Rights.all())) {
      phone.sync();
      laptop.sync(); // a connection's first frame waits for its server-side subscriptions
      for (int i = 1; i <= 3; i++) {
        assertEquals(201, nodes.http().service("POST", "/api/v1/channels/me:alice/messages", "{\"data\":" + i + "}").statusCode());
      }
      for (WsClient device : List.of(phone, laptop)) {
        for (int i = 1; i <= 3; i++) {
          JsonObject m = device.awaitOn(Addresses.channel("me:alice"));
          JsonArray shortForm = m.getValue("body") instanceof JsonArray a ? a : null;
          long seq = shortForm != null ? shortForm.getLong(0) : m.getJsonObject("body").getLong("seq");
          assertEquals(i, seq, m::encode);
        }
      }
      JsonObject history = laptop.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", "me:alice").put("since", 0)).getJsonObject("body");
      assertEquals(3, history.getJsonArray("messages").size(), history::encode);
      bob.register(Addresses.channel("me:alice"));
      assertEquals(ErrorCode.FORBIDDEN.code, bob.await(f -> "err".equals(f.getString("type"))).getInteger("failureCode"));
      JsonObject own = phone.request(Addresses.CHANNEL_PUBLISH, new JsonObject().put("channel", "me:alice").put("data", "x"));
      assertEquals(ErrorCode.FORBIDDEN.code, own.getInteger("failureCode"), own::encode);
    }
  }

  @Test
  @DisplayName("a cache namespace: a new subscriber gets the channel's latest message at once, not its history; a history read answers "
      + "only the latest, recovered; the live stream goes on from it")
  void cacheRecovery() {
    String channel = "score:final";
    try (WsClient pub = nodes.connect(nodes.a(), "scorer", Rights.all()); WsClient sub = nodes.connect(nodes.b(), "fan", Rights.all())) {
      // a publish is acknowledged before its fan-out: a watcher on sub's node sees the last one
      // first, so no live copy of the five is still on its way there when sub subscribes
      try (WsClient watcher = nodes.connect(nodes.b(), "score-watcher", Rights.all())) {
        watcher.subscribe(Addresses.channel(channel));
        for (int i = 1; i <= 5; i++) {
          publish(pub, channel, new JsonObject().put("goals", i));
        }
        watcher.await(f -> Addresses.channel(channel).equals(f.getString("address"))
            && (f.getValue("body") instanceof JsonArray a ? a.getLong(0) : f.getJsonObject("body").getLong("seq")) == 5);
      }
      sub.subscribe(Addresses.channel(channel));
      JsonObject latest = sub.awaitOn(Addresses.channel(channel));
      assertNull(latest.getValue("short"), "the long form, with its epoch: " + latest.encode());
      assertEquals(5, latest.getJsonObject("body").getLong("seq"));
      assertEquals(5, latest.getJsonObject("body").getJsonObject("data").getInteger("goals"));
      JsonObject h = sub.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", channel).put("since", 2)).getJsonObject("body");
      assertEquals(1, h.getJsonArray("messages").size(), h::encode);
      assertEquals(5, h.getJsonArray("messages").getJsonObject(0).getLong("seq"));
      assertTrue(h.getBoolean("recovered"));
      assertEquals(6, h.getLong("nextSeq"));
      JsonObject none = sub.request(Addresses.CHANNEL_HISTORY, new JsonObject().put("channel", channel).put("since", 5)).getJsonObject("body");
      assertTrue(none.getJsonArray("messages").isEmpty() && none.getBoolean("recovered"), none::encode);
      publish(pub, channel, new JsonObject().put("goals", 6));
      assertEquals(6, sub.awaitOn(Addresses.channel(channel)).getJsonObject("body").getLong("seq"));
      sub.sync();
      assertTrue(sub.pending().isEmpty(), () -> "the latest is not sent twice: " + sub.pending());
      // a stream namespace's new subscriber gets nothing until the next message; a watcher on sub's node sees the message
      // first, so its live copy has been through that node before sub subscribes (the ack comes before the fan-out)
      try (WsClient watcher = nodes.connect(nodes.b(), "watcher", Rights.all())) {
        watcher.subscribe(Addresses.channel("plain.scores"));
        publish(pub, "plain.scores", "x");
        watcher.awaitOn(Addresses.channel("plain.scores"));
      }
      sub.subscribe(Addresses.channel("plain.scores"));
      sub.sync();
      assertTrue(sub.pending().isEmpty(), () -> "nothing pushed outside a cache namespace: " + sub.pending());
    }
  }

  @Test
  @DisplayName("a cache namespace, subscribing while messages are published from another node, 30 times: each subscriber sees seqs only "
      + "grow, none twice (the latest read and the live stream never both deliver one), and the live stream goes on after it")
  void cacheRecoveryRace() {
    try (WsClient pub = nodes.connect(nodes.a(), "racer", Rights.all())) {
      for (int round = 0; round < 30; round++) {
        String channel = "score:race" + round;
        String address = Addresses.channel(channel);
        try (WsClient sub = nodes.connect(nodes.b(), "watcher" + round, Rights.all())) {
          sub.register(address); // no wait: the publishes race the subscription and the latest read
          for (int i = 1; i <= 10; i++) {
            pub.send(new JsonObject().put("type", "send").put("address", Addresses.CHANNEL_PUBLISH).put("replyAddress", "r" + round + "." + i)
                .put("body", new JsonObject().put("channel", channel).put("data", i)));
          }
          for (int i = 1; i <= 10; i++) {
            String reply = "r" + round + "." + i;
            assertEquals("rec", pub.await(f -> reply.equals(f.getString("address"))).getString("type"));
          }
          sub.sync(); // the subscription is in place
          publish(pub, channel, 11);
          long last = 0;
          while (last < 11) {
            long seq = sub.awaitOn(address).getJsonObject("body").getLong("seq");
            assertTrue(seq > last, "round " + round + ": " + seq + " after " + last);
            last = seq;
          }
          sub.sync();
          assertTrue(sub.pending().stream().noneMatch(f -> address.equals(f.getString("address"))), () -> "nothing after the last: " + sub.pending());
        }
      }
    }
  }

  @Test
  @DisplayName("a history of one message: 400 publishes from two nodes, 50 in flight each, all delivered, each once in order (a message stored "
      + "but not yet delivered is not trimmed)")
  void tinyHistory() {
    String channel = "tiny:prices";
    WsClient sub = nodes.connect(nodes.a(), "tiny-sub", Rights.all());
    sub.subscribe(Addresses.channel(channel));
    List<WsClient> pubs = List.of(nodes.connect(nodes.a(), "tiny-a", Rights.all()), nodes.connect(nodes.b(), "tiny-b", Rights.all()));
    for (int batch = 0; batch < 4; batch++) {
      for (WsClient p : pubs) {
        for (int i = 0; i < 50; i++) {
          p.send(new JsonObject().put("type", "send").put("address", Addresses.CHANNEL_PUBLISH).put("replyAddress", "t" + batch + "-" + i)
              .put("body", new JsonObject().put("channel", channel).put("data", i)));
        }
      }
      for (WsClient p : pubs) {
        for (int i = 0; i < 50; i++) {
          String reply = "t" + batch + "-" + i;
          assertEquals("rec", p.await(f -> reply.equals(f.getString("address"))).getString("type"));
        }
      }
    }
    for (long seq = 1; seq <= 400; seq++) {
      JsonObject m = sub.awaitOn(Addresses.channel(channel));
      long got = m.getValue("body") instanceof JsonArray a ? a.getLong(0) : m.getJsonObject("body").getLong("seq");
      assertEquals(seq, got, "every acknowledged message delivered, in order");
    }
    pubs.forEach(WsClient::close);
    sub.close();
  }

  @Test
  @DisplayName("a register is answered once the channel's owner reaches it: subscribed on one node while the owner's event-bus view "
      + "of the registrations lags behind a burst of 600 others, a message published right after the answer still arrives")
  void registerReachesTheOwner() {
    // channels the other node owns, with a subscriber there, delivered on before: that node keeps a list of their
    // listeners, which the new subscriber's registration must reach
    List<String> channels = new ArrayList<>();
    for (int i = 0; channels.size() < 6; i++) {
      if (TestNodes.hz(nodes.a()).getPartitionService().getPartition("settle-" + i).getOwner().localMember()) {
        channels.add("settle-" + i);
      }
    }
    WsClient pub = nodes.connect(nodes.b(), "settle-pub", Rights.all());
    WsClient early = nodes.connect(nodes.a(), "settle-early", Rights.all());
    for (String ch : channels) {
      early.subscribe(Addresses.channel(ch));
      publish(pub, ch, "before");
      assertEquals(1, early.awaitOn(Addresses.channel(ch)).getJsonObject("body").getLong("seq"));
    }
    // the owner's node keeps lists for 600 other addresses, then hears of 600 new registrations of them at once, and
    // refreshes its lists one address at a time, each a read of the cluster's map: a storm of subscriptions
    io.vertx.core.eventbus.EventBus owner = nodes.a().vertx().eventBus();
    List<io.vertx.core.eventbus.MessageConsumer<Object>> load = new ArrayList<>();
    for (int j = 0; j < 600; j++) {
      load.add(owner.consumer("settle-load-" + j, m -> { }));
    }
    WsClient.get(io.vertx.core.Future.all(load.stream().map(io.vertx.core.eventbus.MessageConsumer::completion).toList()));
    for (int j = 0; j < 600; j++) {
      owner.publish("settle-load-" + j, "warm");
    }
    List<io.vertx.core.eventbus.MessageConsumer<Object>> storm = new ArrayList<>();
    for (int j = 0; j < 600; j++) {
      storm.add(nodes.b().vertx().eventBus().consumer("settle-load-" + j, m -> { }));
    }
    WsClient.get(io.vertx.core.Future.all(storm.stream().map(io.vertx.core.eventbus.MessageConsumer::completion).toList()));
    load.addAll(storm);
    double timeoutsBefore = settles("timeout");
    double reachedBefore = settles("reached");
    try (WsClient sub = nodes.connect(nodes.b(), "settle-sub", Rights.all())) {
      for (String ch : channels) {
        sub.subscribe(Addresses.channel(ch)); // answered: from here on every message must come
        publish(pub, ch, "after");
      }
      for (String ch : channels) {
        JsonObject m = sub.awaitOn(Addresses.channel(ch)).getJsonObject("body");
        assertEquals(2, m.getLong("seq"), () -> ch + ": " + m.encode());
        assertEquals("after", m.getString("data"));
      }
      assertEquals(timeoutsBefore, settles("timeout"), "every wait ended with the owner's probe, none at the bound");
      assertTrue(settles("reached") - reachedBefore >= channels.size(), "the subscriber's node waited for the owner for each channel");
    } finally {
      // the owner's node refreshes its view of all 1 200 before the next test
      WsClient.get(io.vertx.core.Future.join(load.stream().map(io.vertx.core.eventbus.MessageConsumer::unregister).toList()));
      pub.close();
      early.close();
    }
  }

  /** Node b's channel registrations that waited for their owner, ended by {@code outcome}. */
  private static double settles(String outcome) {
    return dev.herald.observability.Metrics.of(nodes.b().vertx()).find("herald_register_settles").tag("outcome", outcome).counters()
        .stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
  }
}
