package dev.herald.protocol.message;

import dev.herald.protocol.ErrorCode;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The bus's message records: the one validation of each shape, and the JSON clients see. */
class MessagesTest {

  private static void refused(ErrorCode code, Runnable r) {
    ReplyException e = assertThrows(ReplyException.class, r::run);
    assertEquals(code.code, e.failureCode(), e.getMessage());
  }

  @Test
  @DisplayName("a publish: channel, data and id read once, each bad part refused with its code; toJson gives back what was sent")
  void publish() {
    JsonObject sent = new JsonObject().put("channel", "room.1").put("data", new JsonObject().put("text", "héllo")).put("id", "m-1");
    Publish p = Publish.fromJson(sent, 100);
    assertEquals("{\"text\":\"héllo\"}", p.data());
    assertEquals(sent, p.toJson());
    assertNull(Publish.fromJson(new JsonObject().put("channel", "room.1").putNull("data"), 100).id(), "data may be null; no id is none");
    refused(ErrorCode.BAD_REQUEST, () -> Publish.fromJson("text", 100));
    refused(ErrorCode.BAD_REQUEST, () -> Publish.fromJson(new JsonObject().put("channel", "room.1"), 100));
    refused(ErrorCode.BAD_REQUEST, () -> Publish.fromJson(sent.copy().put("channel", "publish"), 100));
    refused(ErrorCode.BAD_REQUEST, () -> Publish.fromJson(sent.copy().put("channel", 7), 100));
    refused(ErrorCode.BAD_REQUEST, () -> Publish.fromJson(sent.copy().put("id", 7), 100));
    refused(ErrorCode.BAD_REQUEST, () -> Publish.fromJson(sent.copy().put("id", "x".repeat(65)), 100));
    // 17 bytes encoded ({"text":"héllo"}, 16 characters, é two bytes): 16 is one too few
    refused(ErrorCode.TOO_LARGE, () -> Publish.fromJson(sent, 16));
    assertEquals("room.1", Publish.fromJson(sent, 17).channel());
    assertEquals("room.1", Publish.channelOf(sent));
    assertNull(Publish.channelOf(new JsonArray()));
  }

  @Test
  @DisplayName("a history query: whole numbers in range only, the limit defaulted; the constructor checks what the HTTP API builds")
  void historyQuery() {
    assertEquals(new HistoryQuery("room.1", 5, HistoryQuery.DEFAULT_LIMIT), HistoryQuery.fromJson(new JsonObject().put("channel", "room.1").put("since", 5)));
    assertEquals(new HistoryQuery("room.1", 0, 1000), HistoryQuery.fromJson(new JsonObject().put("channel", "room.1").put("since", 0.0).put("limit", 1000)));
    for (JsonObject bad : List.of(new JsonObject().put("channel", "room.1"), new JsonObject().put("channel", "room.1").put("since", -1),
        new JsonObject().put("channel", "room.1").put("since", 1.5), new JsonObject().put("channel", "room.1").put("since", 1).put("limit", 0),
        new JsonObject().put("channel", "room.1").put("since", 1).put("limit", 1001), new JsonObject().put("channel", "room.1").put("since", "1"),
        new JsonObject().put("channel", "room.1").put("since", 1).put("limit", Double.POSITIVE_INFINITY), new JsonObject().put("since", 1))) {
      refused(ErrorCode.BAD_REQUEST, () -> HistoryQuery.fromJson(bad));
    }
    refused(ErrorCode.BAD_REQUEST, () -> new HistoryQuery("room.1", 0, 1001));
  }

  @Test
  @DisplayName("a channel message and a history say from and traceId only when they have them; a channel with no log is recovered only from 0")
  void messagesAndHistory() {
    ChannelMessage bare = new ChannelMessage("room.1", 3, "e1", 1000, null, "[1,2]", null);
    assertEquals(new JsonObject().put("channel", "room.1").put("seq", 3).put("epoch", "e1").put("ts", 1000).put("data", new JsonArray().add(1).add(2)),
        bare.toJson());
    assertEquals("ann", new ChannelMessage("room.1", 3, "e1", 1000, "ann", "1", "t-1").toJson().getString("from"));
    JsonObject h = new History("room.1", "e1", List.of(bare), 4, true).toJson();
    assertEquals(1, h.getJsonArray("messages").size());
    assertEquals(4, h.getLong("nextSeq"));
    assertEquals(Boolean.TRUE, History.none(new HistoryQuery("room.1", 0, 10)).toJson().getBoolean("recovered"));
    assertEquals(Boolean.FALSE, History.none(new HistoryQuery("room.1", 9, 10)).toJson().getBoolean("recovered"));
    assertNull(History.none(new HistoryQuery("room.1", 9, 10)).toJson().getValue("epoch"));
    refused(ErrorCode.BAD_REQUEST, () -> ChannelQuery.fromJson(new JsonObject().put("channel", "")));
    assertEquals(new Published("room.1", 4), Published.fromJson(new Published("room.1", 4).toJson()));
  }

  @Test
  @DisplayName("presence: only online, busy and away may be chosen; a query holds 1 to 1000 valid ids, each once")
  void presence() {
    assertEquals("busy", PresenceSet.fromJson(new JsonObject().put("status", "busy")).status());
    for (Object bad : List.of(new JsonObject().put("status", "offline"), new JsonObject().put("status", 1), new JsonObject(), "busy")) {
      refused(ErrorCode.BAD_REQUEST, () -> PresenceSet.fromJson(bad));
    }
    assertEquals(List.of("ann", "bob"), PresenceQuery.fromJson(new JsonObject().put("users", new JsonArray().add("ann").add("bob").add("ann"))).users());
    JsonArray many = new JsonArray();
    for (int i = 0; i <= PresenceQuery.MAX_USERS; i++) {
      many.add("u" + i);
    }
    for (Object bad : List.of(new JsonObject().put("users", new JsonArray()), new JsonObject().put("users", many),
        new JsonObject().put("users", new JsonArray().add("ann").add(7)), new JsonObject().put("users", new JsonArray().add("a b")), new JsonObject())) {
      refused(ErrorCode.BAD_REQUEST, () -> PresenceQuery.fromJson(bad));
    }
    assertEquals(new JsonObject().put("userId", "ann").put("status", "away").put("since", 1).put("lastSeen", 2).put("connections", 3).put("version", 4)
        .put("previous", "online"), new Presence("ann", "away", 1, 2, 3, 4).event("online"));
  }

  @Test
  @DisplayName("a contact list: 0 to the bound of valid ids, repeats kept once in order; more, a bad id or no list is 400 naming the bound")
  void contactList() {
    assertEquals(List.of("bob", "carol"), ContactList.fromJson(new JsonObject().put("users", new JsonArray().add("bob").add("carol").add("bob")), 3).users());
    assertEquals(List.of(), ContactList.fromJson(new JsonObject().put("users", new JsonArray()), 3).users(), "an empty list follows nobody");
    refused(ErrorCode.BAD_REQUEST, () -> ContactList.fromJson(new JsonObject().put("users", new JsonArray().add("a").add("b").add("c").add("d")), 3));
    refused(ErrorCode.BAD_REQUEST, () -> ContactList.fromJson(new JsonObject().put("users", new JsonArray().add("no spaces")), 3));
    refused(ErrorCode.BAD_REQUEST, () -> ContactList.fromJson(new JsonObject().put("users", new JsonArray().add(7)), 3));
    refused(ErrorCode.BAD_REQUEST, () -> ContactList.fromJson(new JsonObject(), 3));
    ReplyException e = assertThrows(ReplyException.class, () -> ContactList.fromJson("bob", 3));
    assertEquals(true, e.getMessage().contains("bridge.maxContacts"), e.getMessage());
  }

  @Test
  @DisplayName("a channel probe: its marker is told from a channel message, and a probe id or channel a member could not have sent is refused")
  void probe() {
    ChannelProbe p = ChannelProbe.fromJson(new JsonObject().put("channel", "room.1").put("probe", "a1-b2"));
    assertEquals(new JsonObject().put("channel", "room.1").put("probe", "a1-b2"), p.toJson());
    assertEquals("a1-b2", ChannelProbe.probeOf(p.marker()));
    assertNull(ChannelProbe.probeOf(new JsonObject().put("seq", 1)), "a message is not a marker");
    assertNull(ChannelProbe.probeOf("hello"), "nor any other string");
    refused(ErrorCode.BAD_REQUEST, () -> ChannelProbe.fromJson(new JsonObject().put("channel", "room.1")));
    refused(ErrorCode.BAD_REQUEST, () -> ChannelProbe.fromJson(new JsonObject().put("channel", "room.1").put("probe", "x".repeat(65))));
    refused(ErrorCode.BAD_REQUEST, () -> ChannelProbe.fromJson(new JsonObject().put("channel", "room.1").put("probe", "a b")));
    refused(ErrorCode.BAD_REQUEST, () -> ChannelProbe.fromJson(new JsonObject().put("channel", "publish").put("probe", "a")));
  }
}
