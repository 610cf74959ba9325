package dev.herald.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FrameTest {

  @Test
  @DisplayName("a client frame is read with its type, address, body and reply address")
  void parses() {
    Frame f = Frame.parse(Buffer.buffer("{\"type\":\"send\",\"address\":\"rt.presence.set\",\"body\":{\"status\":\"away\"},\"replyAddress\":\"r1\"}"), 32);
    assertEquals(Frame.Type.SEND, f.type());
    assertEquals("rt.presence.set", f.address());
    assertEquals(new JsonObject().put("status", "away"), f.body());
    assertEquals("r1", f.replyAddress());
    assertEquals(Frame.Type.PING, Frame.parse(Buffer.buffer("{\"type\":\"ping\"}"), 32).type());
  }

  @Test
  @DisplayName("a channel message's short form carries seq and data, then from and the trace id only when the message has them")
  void channelMessage() {
    JsonObject m = new JsonObject().put("channel", "fanout.one").put("seq", 31).put("epoch", "8f0c2b9e-5d3a-4b7e-9c1f-2a6d4e8b0c17")
        .put("ts", 1796000000000L).put("data", new JsonObject().put("t", 3600000000L).put("b", 12));
    Buffer plain = Frame.channelMessage("rt.channel.fanout.one", m);
    assertEquals("{\"address\":\"rt.channel.fanout.one\",\"body\":[31,{\"t\":3600000000,\"b\":12}]}", plain.toString());
    assertEquals(23, new JsonObject().put("t", 3600000000L).put("b", 12).encode().length());
    assertEquals(71, plain.length(), "a 23-byte message in 71 bytes (the bar in docs/benchmarks.md: 80 for 25)");
    assertEquals("[31,{\"t\":3600000000,\"b\":12},\"ann\"]",
        new JsonObject(Frame.channelMessage("a", m.copy().put("from", "ann"))).getJsonArray("body").encode());
    assertEquals("[31,{\"t\":3600000000,\"b\":12},null,\"tr-1\"]",
        new JsonObject(Frame.channelMessage("a", m.copy().put("traceId", "tr-1"))).getJsonArray("body").encode());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @DisplayName("a malformed frame is refused with a code saying why")
  @CsvSource(delimiter = '|', value = {
      "not json|INVALID_JSON",
      "[1,2]|INVALID_JSON",
      "{}|MISSING_TYPE",
      "{\"type\":\"shout\",\"address\":\"a\"}|INVALID_TYPE",
      "{\"type\":7,\"address\":\"a\"}|INVALID_TYPE",
      "{\"type\":\"send\"}|MISSING_ADDRESS",
      "{\"type\":\"send\",\"address\":5}|MISSING_ADDRESS",
      "{\"type\":\"send\",\"address\":\"a\",\"headers\":\"h\"}|BAD_REQUEST",
      "{\"type\":\"send\",\"address\":\"a\",\"replyAddress\":{}}|BAD_REQUEST",
  })
  void refuses(String text, ErrorCode code) {
    assertEquals(code, assertThrows(Frame.Invalid.class, () -> Frame.parse(Buffer.buffer(text), 32)).code);
  }

  @Test
  @DisplayName("a reply address longer than 64 characters is refused")
  void longReplyAddress() {
    String text = "{\"type\":\"send\",\"address\":\"a\",\"replyAddress\":\"" + "r".repeat(65) + "\"}";
    assertEquals(ErrorCode.BAD_REQUEST, assertThrows(Frame.Invalid.class, () -> Frame.parse(Buffer.buffer(text), 32)).code);
  }

  @Test
  @DisplayName("an address-level failure is the err frame the official client hands to the callback")
  void errFrame() {
    JsonObject j = new JsonObject(Frame.err("r1", ErrorCode.FORBIDDEN.exception("no")));
    assertEquals("err", j.getString("type"));
    assertEquals("r1", j.getString("address"));
    assertEquals(ErrorCode.FORBIDDEN.code, j.getInteger("failureCode"));
    assertEquals("forbidden: no", j.getString("message"));
  }

  @org.junit.jupiter.api.Test
  @DisplayName("attack: a body nested deeper than the limit is refused at the edge, before it can be stored")
  void tooDeep() {
    String deep = "[".repeat(40) + "]".repeat(40);
    Frame.Invalid e = assertThrows(Frame.Invalid.class, () -> Frame.parse(Buffer.buffer(
        "{\"type\":\"send\",\"address\":\"rt.channel.publish\",\"body\":{\"channel\":\"a\",\"data\":" + deep + "}}"), 32));
    assertEquals(ErrorCode.BAD_REQUEST, e.code);
    String ok = "[".repeat(30) + "]".repeat(30);
    Frame.parse(Buffer.buffer("{\"type\":\"send\",\"address\":\"rt.channel.publish\",\"body\":{\"channel\":\"a\",\"data\":" + ok + "}}"), 32);
  }
}
