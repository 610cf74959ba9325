package dev.herald.gateway.connection;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SseEventsTest {

  private static final String E1 = "11111111-aaaa-bbbb-cccc-000000000001";
  private static final String E2 = "22222222-aaaa-bbbb-cccc-000000000002";
  private static final Pattern SEQ = Pattern.compile("event: message\\ndata: \\{\"channel\":\"c\",\"seq\":(\\d+)");

  private static JsonObject longForm(long seq, String epoch) {
    return new JsonObject().put("type", "rec").put("address", "rt.channel.c")
        .put("body", new JsonObject().put("channel", "c").put("seq", seq).put("epoch", epoch).put("data", seq));
  }

  private static JsonObject shortForm(long seq) {
    return new JsonObject().put("address", "rt.channel.c").put("body", new JsonArray().add(seq).add(seq));
  }

  private static JsonObject history(JsonObject request, String epoch, long from, long to, boolean recovered) {
    JsonArray messages = new JsonArray();
    for (long s = from; s <= to; s++) {
      messages.add(new JsonObject().put("channel", "c").put("seq", s).put("epoch", epoch).put("data", s));
    }
    return new JsonObject().put("type", "rec").put("address", request.getString("replyAddress"))
        .put("body", new JsonObject().put("channel", "c").put("epoch", epoch).put("messages", messages).put("nextSeq", to + 1).put("recovered", recovered));
  }

  private static List<Long> seqs(String text) {
    List<Long> out = new ArrayList<>();
    Matcher m = SEQ.matcher(text);
    while (m.find()) {
      out.add(Long.parseLong(m.group(1)));
    }
    return out;
  }

  @Test
  @DisplayName("live: the long form then short ones, each with the position as id; a repeat is dropped; a hole is read from history "
      + "while what comes meanwhile waits, then recovered and the rest in order")
  void liveAndHole() {
    SseEvents e = new SseEvents();
    assertTrue(e.open(List.of("c"), Map.of()).isEmpty());
    String first = e.onFrame(longForm(1, E1)).text();
    assertTrue(first.startsWith("id: c/11111111/1\nevent: message\n"), first);
    assertEquals(List.of(2L), seqs(e.onFrame(shortForm(2)).text()));
    assertEquals("", e.onFrame(shortForm(2)).text(), "a repeat");
    SseEvents.Output hole = e.onFrame(shortForm(5));
    assertEquals("", hole.text());
    assertEquals(1, hole.requests().size());
    JsonObject read = hole.requests().get(0);
    assertEquals(2, read.getJsonObject("body").getLong("since"));
    assertEquals("", e.onFrame(shortForm(6)).text(), "waits while history is read");
    String after = e.onFrame(history(read, E1, 3, 6, true)).text();
    assertEquals(List.of(3L, 4L, 5L, 6L), seqs(after), after);
    assertTrue(after.contains("event: recovered\ndata: {\"channel\":\"c\",\"recovered\":true,\"epoch\":\"" + E1 + "\",\"replayed\":4,\"reason\":\"gap\"}"), after);
    assertEquals(List.of(7L), seqs(e.onFrame(shortForm(7)).text()));
    assertEquals("c/11111111/7", e.id());
  }

  @Test
  @DisplayName("resumed from a Last-Event-ID: read from its seq; a new epoch meanwhile is read from its start and not recovered")
  void resumeAcrossEpochs() {
    Map<String, SseEvents.Position> resume = SseEvents.parseId("c/11111111/4", 4);
    SseEvents e = new SseEvents();
    List<JsonObject> reads = e.open(List.of("c"), resume);
    assertEquals(4, reads.get(0).getJsonObject("body").getLong("since"));
    SseEvents.Output o = e.onFrame(history(reads.get(0), E2, 1, 2, true));
    assertEquals("", o.text(), "another epoch: read again from its start");
    assertEquals(0, o.requests().get(0).getJsonObject("body").getLong("since"));
    String text = e.onFrame(history(o.requests().get(0), E2, 1, 2, true)).text();
    assertEquals(List.of(1L, 2L), seqs(text));
    assertTrue(text.contains("\"recovered\":false"), text);
  }

  @Test
  @DisplayName("a failed read says so on the recovered event; a close frame gives retry and a close event; other errors an error event")
  void failures() {
    SseEvents e = new SseEvents();
    List<JsonObject> reads = e.open(Set.of("c"), SseEvents.parseId("c/11111111/4", 4));
    String failed = e.onFrame(new JsonObject().put("type", "err").put("address", reads.get(0).getString("replyAddress"))
        .put("failureCode", 5030).put("message", "unavailable")).text();
    assertTrue(failed.contains("\"recovered\":false") && failed.contains("\"code\":5030"), failed);
    String close = e.onFrame(new JsonObject().put("type", "err").put("body", "closed").put("failureCode", 1013).put("message", "busy")
        .put("retryAfterMs", 2500)).text();
    assertEquals("retry: 2500\nevent: close\ndata: {\"code\":1013,\"reason\":\"busy\"}\n\n", close);
    String err = e.onFrame(new JsonObject().put("type", "err").put("address", "rt.channel.x").put("failureCode", 4030).put("message", "no")).text();
    assertTrue(err.startsWith("event: error\n"), err);
  }

  @Test
  @DisplayName("attack: a hole whose history read is refused (answer bytes spent) is told, and the stream goes on from what waited: "
      + "no second read at once (a refusal loop that left the channel silent for good)")
  void refusedReadDoesNotLoop() {
    SseEvents e = new SseEvents();
    e.open(List.of("c"), Map.of());
    e.onFrame(longForm(1, E1));
    SseEvents.Output hole = e.onFrame(shortForm(5));
    e.onFrame(shortForm(6));
    SseEvents.Output refused = e.onFrame(new JsonObject().put("type", "err").put("address", hole.requests().get(0).getString("replyAddress"))
        .put("failureCode", 4290).put("message", "answers are limited"));
    assertTrue(refused.requests().isEmpty(), "no read again at once: " + refused.requests());
    assertTrue(refused.text().contains("\"recovered\":false"), refused.text());
    assertEquals(List.of(5L, 6L), seqs(refused.text()), "what waited goes out");
    assertEquals(List.of(7L), seqs(e.onFrame(shortForm(7)).text()), "and the live stream after it");
  }

  @Test
  @DisplayName("attack: a refusal that names no address (the frame rate) ends the reads in flight, failed, instead of leaving them waiting for ever")
  void refusalWithoutAddressEndsReads() {
    SseEvents e = new SseEvents();
    e.open(List.of("c"), SseEvents.parseId("c/11111111/4", 4));
    e.onFrame(shortForm(9));
    String out = e.onFrame(new JsonObject().put("type", "err").put("failureCode", 4290).put("message", "rate_limited")).text();
    assertTrue(out.contains("event: recovered") && out.contains("\"recovered\":false"), out);
    assertEquals(List.of(10L), seqs(e.onFrame(shortForm(10)).text()), "the channel is live again");
  }

  @Test
  @DisplayName("attack: a forged position far past the channel's end does not mute it: the stream goes on from the channel's end")
  void positionPastTheEnd() {
    SseEvents e = new SseEvents();
    List<JsonObject> reads = e.open(List.of("c"), SseEvents.parseId("c/11111111/999999999999", 4));
    e.onFrame(history(reads.get(0), E1, 1, 0, false)); // nothing after since, nextSeq 1... the channel holds 0 messages
    assertEquals(List.of(1L), seqs(e.onFrame(longForm(1, E1)).text()));
  }

  @Test
  @DisplayName("Last-Event-ID: ours parse; anything else (a path, a wrong epoch length, too many entries) is refused")
  void ids() {
    assertEquals(new SseEvents.Position("11111111", 4), SseEvents.parseId("c/11111111/4 d/22222222/9", 4).get("c"));
    assertTrue(SseEvents.parseId("", 4).isEmpty());
    assertNull(SseEvents.parseId("c/../4", 4));
    assertNull(SseEvents.parseId("c/1111/4", 4));
    assertNull(SseEvents.parseId("c/11111111/-4", 4));
    assertNull(SseEvents.parseId("c/\nevent:x/4", 4), "a newline would write lines of its own into the stream");
    assertNull(SseEvents.parseId("a/11111111/1 b/11111111/1 c/11111111/1", 2));
  }
}
