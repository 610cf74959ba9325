package dev.herald.gateway.connection;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientSocketMessagesTest {

  private final List<Buffer> messages = new ArrayList<>();
  private final List<Throwable> failures = new ArrayList<>();
  private final ClientSocket.Messages in = new ClientSocket.Messages(messages::add, failures::add, 10);

  @Test
  @DisplayName("a message in one frame, text or binary, is handed on as the bytes that were read")
  void oneFrame() {
    WebSocketFrame ping = WebSocketFrame.textFrame("{\"type\":\"ping\"}", true);
    in.handle(ping);
    in.handle(WebSocketFrame.binaryFrame(Buffer.buffer("abc"), true));
    assertEquals(List.of(Buffer.buffer("{\"type\":\"ping\"}"), Buffer.buffer("abc")), messages);
  }

  @Test
  @DisplayName("fragments are put together; control frames are not messages")
  void fragments() {
    in.handle(WebSocketFrame.textFrame("ab", false));
    in.handle(WebSocketFrame.pingFrame(Buffer.buffer("x")));
    in.handle(WebSocketFrame.continuationFrame(Buffer.buffer("cd"), false));
    in.handle(WebSocketFrame.continuationFrame(Buffer.buffer("e"), true));
    assertEquals(List.of(Buffer.buffer("abcde")), messages);
    assertTrue(failures.isEmpty());
  }

  @Test
  @DisplayName("a fragmented message over the limit fails as Vert.x's own limit does, and is not handed on")
  void overTheLimit() {
    in.handle(WebSocketFrame.textFrame("123456", false));
    in.handle(WebSocketFrame.continuationFrame(Buffer.buffer("7890X"), true));
    assertTrue(messages.isEmpty());
    assertInstanceOf(IllegalStateException.class, failures.get(0));
    in.handle(WebSocketFrame.textFrame("ok", true));
    assertEquals(List.of(Buffer.buffer("ok")), messages);
  }
}
