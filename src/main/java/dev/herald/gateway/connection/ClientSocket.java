package dev.herald.gateway.connection;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/**
 * A client's transport, as the bridge uses it: Herald's raw WebSocket endpoint ({@link #raw}), or
 * a SockJS session on any of its transports ({@link #sockJs}). Touched only on the gateway's event
 * loop.
 */
public interface ClientSocket {

  /** Writes a frame; completes once it went out (or failed). */
  Future<Void> write(Buffer frame);

  boolean writeQueueFull();

  /** Called once when the write queue drains (set again each time it fills). */
  void drainHandler(Handler<Void> handler);

  /** Closes with a status the client sees (the raw WebSocket's close frame; SockJS says 3000 whatever it is). */
  void close(int code, String reason);

  /** Whether this is a WebSocket (raw, or SockJS's websocket transport): TCP pushes back when paused, and can be cut. */
  boolean webSocket();

  /** Stops reading (a WebSocket only: TCP pushes back). */
  void pause();

  void resume();

  /** Drops the TCP connection at once, for a client that does not read (a WebSocket only). */
  void cut();

  /** Where whole frames, the close and transport errors go. */
  void handlers(Handler<Buffer> frames, Handler<Void> closed, Handler<Throwable> failed);

  /** On a WebSocket, puts {@code guard}'s rules on its control frames and fragments ({@link FrameGuard}); else nothing. */
  void guard(FrameGuard.Listener guard);

  /**
   * Herald's raw WebSocket, upgraded by the gateway itself rather than by SockJS, which would keep
   * the upgrade request and its routing context for the connection's whole life (~1.5 KB each).
   * Frames go out as binary messages, as they did when SockJS served this endpoint. Trimmed by
   * {@link LeanWebSockets} first: call on the socket's event loop, before anything is written.
   */
  static ClientSocket raw(ServerWebSocket ws, int maxMessageBytes) {
    WebSocketInternal inner = LeanWebSockets.unwrap(ws);
    LeanWebSockets.apply(inner);
    return new ClientSocket() {
      @Override
      public Future<Void> write(Buffer frame) {
        return ws.writeBinaryMessage(frame);
      }

      @Override
      public boolean writeQueueFull() {
        return ws.writeQueueFull();
      }

      @Override
      public void drainHandler(Handler<Void> handler) {
        ws.drainHandler(handler);
      }

      @Override
      public void close(int code, String reason) {
        ws.close((short) code, reason);
      }

      @Override
      public boolean webSocket() {
        return true;
      }

      @Override
      public void pause() {
        ws.pause();
      }

      @Override
      public void resume() {
        ws.resume();
      }

      @Override
      public void cut() {
        if (inner != null) {
          inner.channelHandlerContext().close();
        } else {
          ws.close();
        }
      }

      @Override
      public void handlers(Handler<Buffer> frames, Handler<Void> closed, Handler<Throwable> failed) {
        ws.frameHandler(new Messages(frames, failed, maxMessageBytes));
        ws.closeHandler(closed);
        ws.exceptionHandler(failed);
      }

      @Override
      public void guard(FrameGuard.Listener guard) {
        if (inner != null) {
          FrameGuard.install(inner.channelHandlerContext(), guard);
        }
      }
    };
  }

  /**
   * A raw WebSocket's messages, text or binary alike, as the bytes that came: Vert.x's own
   * message handlers would decode a text message to a String (and Herald encode it back), a
   * String, an array and a buffer for every 5-second ping. A message in one frame (every ping,
   * nearly every frame) is handed on as it was read, undecoded and uncopied; a fragmented one is
   * put together, at most {@code max} bytes (past that, the same failure Vert.x reports: an
   * {@link IllegalStateException}).
   */
  static final class Messages implements Handler<io.vertx.core.http.WebSocketFrame> {
    private final Handler<Buffer> messages;
    private final Handler<Throwable> failed;
    private final int max;
    private Buffer partial;

    Messages(Handler<Buffer> messages, Handler<Throwable> failed, int max) {
      this.messages = messages;
      this.failed = failed;
      this.max = max;
    }

    @Override
    public void handle(io.vertx.core.http.WebSocketFrame frame) {
      if (!frame.isText() && !frame.isBinary() && !frame.isContinuation()) {
        return; // ping, pong and close: Vert.x answers them
      }
      Buffer data = frame.binaryData();
      if (!frame.isContinuation() && frame.isFinal()) {
        partial = null;
        messages.handle(data);
        return;
      }
      if (!frame.isContinuation()) {
        partial = Buffer.buffer(Math.min(max, 2 * data.length()));
      } else if (partial == null) {
        return; // a continuation of nothing: Netty's decoder refuses those before they get here
      }
      if (partial.length() + data.length() > max) {
        partial = null;
        failed.handle(new IllegalStateException("WebSocket message over " + max + " bytes"));
        return;
      }
      partial.appendBuffer(data);
      if (frame.isFinal()) {
        Buffer whole = partial;
        partial = null;
        messages.handle(whole);
      }
    }
  }

  /** A SockJS session; {@code tcp} is its TCP connection on the websocket transport, else null. */
  static ClientSocket sockJs(SockJSSocket sock, HttpConnection tcp) {
    return new ClientSocket() {
      @Override
      public Future<Void> write(Buffer frame) {
        return sock.write(frame);
      }

      @Override
      public boolean writeQueueFull() {
        return sock.writeQueueFull();
      }

      @Override
      public void drainHandler(Handler<Void> handler) {
        sock.drainHandler(handler);
      }

      @Override
      public void close(int code, String reason) {
        sock.close(code, reason);
      }

      @Override
      public boolean webSocket() {
        return tcp != null;
      }

      @Override
      public void pause() {
        sock.pause();
      }

      @Override
      public void resume() {
        sock.resume();
      }

      @Override
      public void cut() {
        if (tcp != null) {
          tcp.close();
        }
      }

      @Override
      public void handlers(Handler<Buffer> frames, Handler<Void> closed, Handler<Throwable> failed) {
        sock.handler(frames);
        sock.closeHandler(closed);
        sock.exceptionHandler(failed);
      }

      @Override
      public void guard(FrameGuard.Listener guard) {
        if (tcp instanceof io.vertx.core.net.impl.ConnectionBase base) {
          FrameGuard.install(base.channelHandlerContext(), guard);
        }
      }
    };
  }

  /**
   * The largest WebSocket message accepted (close 1009 past it; past {@code maxFrameBytes} a frame
   * is refused with {@code too_large} first): twice the frame limit and some, as SockJS escapes
   * frames inside a JSON array.
   */
  static int messageLimit(dev.herald.config.BridgeConfig config) {
    return config.maxFrameBytes() * 2 + 1024;
  }
}
