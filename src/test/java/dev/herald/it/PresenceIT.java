package dev.herald.it;

import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Addresses;
import dev.herald.token.Rights;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Presence across two real nodes in one JVM. */
class PresenceIT {

  // short enough for the silent-client test, long enough that 200 churning clients in this same
  // JVM on two cores still get their pings through
  @RegisterExtension
  static final TestNodes nodes = TestNodes.pair(new JsonObject().put("heartbeat", new JsonObject().put("timeoutSeconds", 6)));

  private static JsonObject presenceOf(WsClient via, String user) {
    JsonObject r = via.request(Addresses.PRESENCE_GET, new JsonObject().put("users", new JsonArray().add(user)));
    assertEquals("rec", r.getString("type"), r::encode);
    return r.getJsonObject("body").getJsonObject("users").getJsonObject(user);
  }

  /** Waits for the next presence event of {@code user} on {@code watcher}. */
  private static JsonObject nextEvent(WsClient watcher, String user) {
    return watcher.awaitOn(Addresses.presenceUser(user)).getJsonObject("body");
  }

  @Test
  @DisplayName("a user with two tabs stays online with the same status when one closes; both closed is one offline event")
  void twoTabs() {
    try (WsClient watcher = nodes.connect(nodes.b(), "watcher1")) {
      watcher.subscribe(Addresses.presenceUser("tabby"));
      WsClient tab1 = nodes.connect(nodes.a(), "tabby");
      assertEquals("online", nextEvent(watcher, "tabby").getString("status"));
      WsClient tab2 = nodes.connect(nodes.b(), "tabby");
      // a connection's frames wait until presence counts it: an answered frame proves tab2 is counted
      tab2.sync();
      assertEquals("rec", tab1.request(Addresses.PRESENCE_SET, new JsonObject().put("status", "busy")).getString("type"));
      JsonObject busy = nextEvent(watcher, "tabby");
      assertEquals("busy", busy.getString("status"));
      assertEquals("online", busy.getString("previous"));
      tab1.close();
      // the second tab still counts: same status, one connection, and no event in between
      JsonObject p = presenceOf(watcher, "tabby");
      while (p.getInteger("connections") != 1) {
        p = presenceOf(watcher, "tabby");
      }
      assertEquals("busy", p.getString("status"));
      tab2.close();
      JsonObject offline = nextEvent(watcher, "tabby");
      assertEquals("offline", offline.getString("status"));
      assertEquals("busy", offline.getString("previous"));
      assertEquals(busy.getLong("version") + 1, offline.getLong("version"));
      assertTrue(offline.getLong("lastSeen") > 0);
      watcher.sync();
      assertTrue(watcher.pending().isEmpty(), () -> "one offline event only, got " + watcher.pending());
    }
  }

  @Test
  @DisplayName("a member list asked right after a register, on the same connection and without waiting, includes that connection (20 of 20)")
  void membersRightAfterRegister() {
    try (WsClient c = nodes.connect(nodes.a(), "eager", Rights.read("eager.*"))) {
      for (int i = 0; i < 20; i++) {
        String channel = "eager." + i;
        c.register(Addresses.channel(channel)); // no sync: the request follows the register frame at once
        JsonObject list = c.request(Addresses.CHANNEL_MEMBERS, new JsonObject().put("channel", channel)).getJsonObject("body");
        assertEquals(new JsonArray().add(new JsonObject().put("userId", "eager").put("status", "online")), list.getJsonArray("members"), channel);
      }
    }
  }

  @Test
  @DisplayName("subscribing joins a channel: join on the first tab, leave on the last, members listed with status")
  void channelMembers() {
    Rights club = Rights.read("club.*");
    try (WsClient watcher = nodes.connect(nodes.b(), "watcher4", club)) {
      watcher.subscribe(Addresses.members("club.1"));
      WsClient tab1 = nodes.connect(nodes.a(), "member", club);
      WsClient tab2 = nodes.connect(nodes.b(), "member", club);
      tab1.subscribe(Addresses.channel("club.1"));
      JsonObject join = watcher.awaitOn(Addresses.members("club.1")).getJsonObject("body");
      long joinVersion = join.getLong("version");
      assertEquals(new JsonObject().put("channel", "club.1").put("userId", "member").put("event", "join").put("version", joinVersion), join);
      tab2.subscribe(Addresses.channel("club.1"));
      assertEquals("rec", tab2.request(Addresses.PRESENCE_SET, new JsonObject().put("status", "away")).getString("type"));
      JsonObject list = watcher.request(Addresses.CHANNEL_MEMBERS, new JsonObject().put("channel", "club.1")).getJsonObject("body");
      assertEquals(1, list.getInteger("count"));
      assertEquals(new JsonObject().put("userId", "member").put("status", "away"), list.getJsonArray("members").getJsonObject(0));
      // one tab unsubscribes, the other closes: one leave, after the last
      tab1.send(new JsonObject().put("type", "unregister").put("address", Addresses.channel("club.1")));
      tab1.sync();
      tab2.close();
      JsonObject leave = watcher.awaitOn(Addresses.members("club.1")).getJsonObject("body");
      assertEquals("leave", leave.getString("event"));
      assertTrue(leave.getLong("version") > joinVersion, "the leave orders after the join");
      JsonObject empty = watcher.request(Addresses.CHANNEL_MEMBERS, new JsonObject().put("channel", "club.1")).getJsonObject("body");
      assertEquals(0, empty.getInteger("count"));
      watcher.sync();
      assertTrue(watcher.pending().isEmpty(), () -> "one join and one leave only: " + watcher.pending());
      JsonObject forbidden = tab1.request(Addresses.CHANNEL_MEMBERS, new JsonObject().put("channel", "other"));
      assertEquals(ErrorCode.FORBIDDEN.code, forbidden.getInteger("failureCode"));
      tab1.close();
    }
  }

  @Test
  @DisplayName("a status set on node A reaches a watcher on node B, in version order")
  void acrossNodes() {
    try (WsClient watcher = nodes.connect(nodes.b(), "watcher2")) {
      watcher.subscribe(Addresses.presenceUser("mover"));
      WsClient user = nodes.connect(nodes.a(), "mover");
      assertEquals("online", nextEvent(watcher, "mover").getString("status"));
      String[] statuses = {"busy", "away", "online", "away", "busy"};
      for (String s : statuses) {
        assertEquals(s, user.request(Addresses.PRESENCE_SET, new JsonObject().put("status", s)).getJsonObject("body").getString("status"));
      }
      long last = 0;
      for (String s : statuses) {
        JsonObject e = nextEvent(watcher, "mover");
        assertEquals(s, e.getString("status"));
        assertTrue(e.getLong("version") > last);
        last = e.getLong("version");
      }
      user.close();
    }
  }

  @Test
  @DisplayName("status sets sent back to back, without waiting for answers, take effect in the order sent")
  void backToBack() {
    try (WsClient watcher = nodes.connect(nodes.b(), "watcher3"); WsClient user = nodes.connect(nodes.a(), "hasty")) {
      watcher.subscribe(Addresses.presenceUser("hasty"));
      user.request(Addresses.PRESENCE_SET, new JsonObject().put("status", "online")); // the connect's event is out of the way
      String[] cycle = {"busy", "away", "online"};
      for (int i = 0; i < 30; i++) {
        user.send(new JsonObject().put("type", "send").put("address", Addresses.PRESENCE_SET).put("replyAddress", "set" + i)
            .put("body", new JsonObject().put("status", cycle[i % 3])));
      }
      for (int i = 0; i < 30; i++) {
        String reply = "set" + i;
        assertEquals(cycle[i % 3], user.await(f -> reply.equals(f.getString("address"))).getJsonObject("body").getString("status"));
      }
      String previous = "online";
      for (int i = 0; i < 30; i++) {
        String status = cycle[i % 3];
        String from = previous;
        JsonObject e = watcher.await(f -> Addresses.presenceUser("hasty").equals(f.getString("address"))
            && status.equals(f.getJsonObject("body").getString("status")) && from.equals(f.getJsonObject("body").getString("previous")));
        assertEquals(status, e.getJsonObject("body").getString("status"));
        previous = status;
      }
    }
  }

  @Test
  @DisplayName("invalid status, 1001 users in one get, and malformed bodies are 400s that change nothing")
  void badInput() {
    try (WsClient u = nodes.connect(nodes.a(), "careful")) {
      JsonObject before = presenceOf(u, "careful");
      for (Object body : new Object[] {new JsonObject().put("status", "offline"), new JsonObject().put("status", "sleeping"),
          new JsonObject(), "busy", new JsonArray().add("busy"), null}) {
        JsonObject r = u.request(Addresses.PRESENCE_SET, body);
        assertEquals(ErrorCode.BAD_REQUEST.code, r.getInteger("failureCode"), () -> "for " + body + ": " + r.encode());
      }
      JsonArray many = new JsonArray();
      for (int i = 0; i < 1001; i++) {
        many.add("u" + i);
      }
      for (Object body : new Object[] {new JsonObject().put("users", many), new JsonObject().put("users", new JsonArray()),
          new JsonObject().put("users", "alice"), new JsonObject().put("users", new JsonArray().add("bad user")), null}) {
        JsonObject r = u.request(Addresses.PRESENCE_GET, body);
        assertEquals(ErrorCode.BAD_REQUEST.code, r.getInteger("failureCode"), () -> "for " + body + ": " + r.encode());
      }
      assertEquals(before, presenceOf(u, "careful"));
    }
  }

  @Test
  @DisplayName("a silent client is dropped after the timeout and goes offline")
  void silentClient() {
    try (WsClient watcher = nodes.connect(nodes.b(), "watcher3")) {
      watcher.subscribe(Addresses.presenceUser("quiet"));
      WsClient quiet = WsClient.get(WsClient.connect(nodes.client(), nodes.port(), Rights.none().token("quiet"), null, false));
      assertEquals("online", nextEvent(watcher, "quiet").getString("status"));
      assertEquals(4408, quiet.awaitClosed());
      assertEquals("offline", nextEvent(watcher, "quiet").getString("status"));
      quiet.close();
    }
  }

  @Test
  @DisplayName("200 connections for 50 users opening and closing at random on 2 nodes for 20 s: presence ends equal to what is open")
  void churn() {
    Random random = new Random(42);
    String[] slotUser = new String[200];
    WsClient[] slot = new WsClient[200];
    int opened = 0;
    int closed = 0;
    long end = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < end) {
      // a batch of random flips: close what is open, open what is closed (on a random node, as a random user)
      Map<Integer, io.vertx.core.Future<WsClient>> opening = new HashMap<>();
      for (int k = 0; k < 20; k++) {
        int i = random.nextInt(slot.length);
        if (slot[i] != null) {
          slot[i].close();
          slot[i] = null;
          closed++;
        } else if (!opening.containsKey(i)) {
          slotUser[i] = "churn" + random.nextInt(50);
          opening.put(i, WsClient.connect(nodes.client(), TestNodes.port(random.nextBoolean() ? nodes.a() : nodes.b()), Rights.none().token(slotUser[i]),
              null, true));
        }
      }
      for (Map.Entry<Integer, io.vertx.core.Future<WsClient>> e : opening.entrySet()) {
        slot[e.getKey()] = WsClient.get(e.getValue());
        opened++;
      }
    }
    Map<String, Integer> expected = new HashMap<>();
    for (int i = 0; i < slot.length; i++) {
      if (slot[i] != null) {
        expected.merge(slotUser[i], 1, Integer::sum);
      }
    }
    List<String> users = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      users.add("churn" + i);
    }
    try (WsClient probe = nodes.connect(nodes.a(), "probe")) {
      // the last closes reach presence asynchronously: ask until it agrees (or give up after 15 s)
      JsonObject[] seen = new JsonObject[1];
      Eventually.eventually(Duration.ofSeconds(15), "presence equal to the open connections " + expected, () -> {
        JsonObject answer = probe.request(Addresses.PRESENCE_GET, new JsonObject().put("users", new JsonArray(new ArrayList<>(users))));
        assertEquals("rec", answer.getString("type"), answer::encode);
        seen[0] = answer.getJsonObject("body").getJsonObject("users");
        return matches(seen[0], users, expected);
      });
      assertTrue(opened > 500 && closed > 300, "the churn ran: " + opened + " opened, " + closed + " closed");
    } finally {
      for (WsClient c : slot) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  private static boolean matches(JsonObject seen, List<String> users, Map<String, Integer> expected) {
    for (String u : users) {
      int want = expected.getOrDefault(u, 0);
      JsonObject p = seen.getJsonObject(u);
      if (p.getInteger("connections") != want || !p.getString("status").equals(want > 0 ? "online" : "offline")) {
        return false;
      }
    }
    return true;
  }

  @Test
  @DisplayName("contacts: one request follows three users (one on the other node) and answers their presence; their changes come on one address; "
      + "a new list drops the others; a user outside the watch claim, or a list over the bound, is refused")
  void contacts() {
    try (WsClient me = nodes.connect(nodes.a(), "follower", Rights.none().watch("pal-*"));
         WsClient pal1 = nodes.connect(nodes.b(), "pal-1");
         WsClient pal2 = nodes.connect(nodes.a(), "pal-2")) {
      pal1.sync();
      pal2.sync();
      me.subscribe(Addresses.PRESENCE_CONTACTS);
      JsonObject answer = me.request(Addresses.PRESENCE_CONTACTS, new JsonObject().put("users", new JsonArray().add("pal-1").add("pal-2").add("pal-3")));
      assertEquals("rec", answer.getString("type"), answer::encode);
      JsonObject users = answer.getJsonObject("body").getJsonObject("users");
      assertEquals("online", users.getJsonObject("pal-1").getString("status"), users::encode);
      assertEquals("online", users.getJsonObject("pal-2").getString("status"));
      assertEquals("offline", users.getJsonObject("pal-3").getString("status"), "never seen: offline");
      assertEquals("rec", pal1.request(Addresses.PRESENCE_SET, new JsonObject().put("status", "away")).getString("type"));
      JsonObject away = me.awaitOn(Addresses.PRESENCE_CONTACTS).getJsonObject("body");
      assertEquals("pal-1", away.getString("userId"), away::encode);
      assertEquals("away", away.getString("status"));
      // the new list names pal-2 only: pal-1's changes no longer come. A witness on the same node
      // follows pal-1: once it has pal-1's change, the node has delivered it to whoever follows pal-1
      assertEquals("rec", me.request(Addresses.PRESENCE_CONTACTS, new JsonObject().put("users", new JsonArray().add("pal-2"))).getString("type"));
      try (WsClient witness = nodes.connect(nodes.a(), "witness", Rights.none().watch("pal-*"))) {
        assertEquals("rec", witness.request(Addresses.PRESENCE_CONTACTS, new JsonObject().put("users", new JsonArray().add("pal-1"))).getString("type"));
        assertEquals("rec", pal1.request(Addresses.PRESENCE_SET, new JsonObject().put("status", "busy")).getString("type"));
        assertEquals("busy", witness.awaitOn(Addresses.PRESENCE_CONTACTS).getJsonObject("body").getString("status"));
      }
      assertEquals("rec", pal2.request(Addresses.PRESENCE_SET, new JsonObject().put("status", "busy")).getString("type"));
      JsonObject next = me.awaitOn(Addresses.PRESENCE_CONTACTS).getJsonObject("body");
      assertEquals("pal-2", next.getString("userId"), "pal-1 was dropped: " + next.encode());
      me.sync();
      assertTrue(me.pending().stream().noneMatch(f -> Addresses.PRESENCE_CONTACTS.equals(f.getString("address"))),
          () -> "nothing more on the contacts address: " + me.pending());
      JsonObject outside = me.request(Addresses.PRESENCE_CONTACTS, new JsonObject().put("users", new JsonArray().add("pal-2").add("boss")));
      assertEquals(ErrorCode.FORBIDDEN.code, outside.getInteger("failureCode"), outside::encode);
      JsonArray tooMany = new JsonArray();
      for (int i = 0; i < 1001; i++) {
        tooMany.add("pal-" + i);
      }
      JsonObject over = me.request(Addresses.PRESENCE_CONTACTS, new JsonObject().put("users", tooMany));
      assertEquals(ErrorCode.BAD_REQUEST.code, over.getInteger("failureCode"), over::encode);
    }
  }
}
