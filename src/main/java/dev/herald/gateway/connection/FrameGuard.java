package dev.herald.gateway.connection;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Counts the WebSocket frames that never reach the bridge as a message: pings, pongs, and every
 * fragment of a message but its last. It sits in the socket's Netty pipeline just before Vert.x's
 * handler, which answers every ping with a pong at once, whether the client reads its pongs or
 * not, and hands only whole messages on; so without it a client could send pings (or a message in
 * 1-byte fragments) without limit, and have the answers queue without bound (issue: 600 MB of
 * pings in 8 s, a node answering nothing). Each such frame takes from the connection's frame rate
 * ({@link Listener#admit}); a ping that comes while the socket's output is over its high-water
 * mark (its earlier pongs unread) is not answered: the client is a slow consumer
 * ({@link Listener#unread}). A frame refused either way is dropped here. Runs on the socket's
 * event loop; the close frame passes (it ends the connection anyway).
 */
public final class FrameGuard extends ChannelInboundHandlerAdapter {

  static final String NAME = "herald-frame-guard";

  /** What the bridge decides for one connection; called on its event loop. */
  public interface Listener {
    /** Takes one frame from the connection's rate; false when over it (the bridge closes the connection). */
    boolean admit();

    /** The client sends pings and does not read the pongs. */
    void unread();
  }

  private final Listener listener;

  FrameGuard(Listener listener) {
    this.listener = listener;
  }

  /** Puts a guard in front of Vert.x's handler on a WebSocket's channel; on its event loop. */
  static void install(ChannelHandlerContext ws, Listener listener) {
    if (ws.pipeline().get(NAME) == null && ws.pipeline().get("handler") != null) {
      ws.pipeline().addBefore("handler", NAME, new FrameGuard(listener));
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof WebSocketFrame f && !(f instanceof CloseWebSocketFrame) && (!f.isFinalFragment() || isControl(f))) {
      if (!listener.admit()) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (f instanceof PingWebSocketFrame && !ctx.channel().isWritable()) {
        ReferenceCountUtil.release(msg);
        listener.unread();
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  private static boolean isControl(WebSocketFrame f) {
    return f instanceof PingWebSocketFrame || f instanceof io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
  }
}
