package dev.herald.gateway;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.VertxConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;

/**
 * Gives a WebSocket the write path Vert.x gives an HTTP connection in strict thread mode: straight
 * to Netty, without the cross-thread queue.
 *
 * <p>Vert.x 5.0.7 honours {@code HttpServerOptions.setStrictThreadMode} for HTTP connections, but
 * {@code WebSocketConnectionImpl} calls the {@code VertxConnection} constructor without the flag,
 * so every WebSocket gets an MPSC queue whose first chunk is a 1 025-slot array: 4.1 KB of heap per
 * idle connection, the largest single part of one (docs/benchmarks.md, "Connection cost"). Herald
 * writes to a connection only on its event loop, which is what strict mode asks, so the queue is
 * swapped for the direct one right after the upgrade, before anything is written. Should a later
 * Vert.x rename what this reaches, it says so once in the log and every socket keeps its queue:
 * it costs memory, nothing else. Drop this once Vert.x passes the flag to WebSocket connections.
 */
final class DirectWrites {

  private static final Logger LOG = LoggerFactory.getLogger(DirectWrites.class);
  private static final Field DELEGATE;
  private static final Field CONN;
  private static final Field QUEUE;
  private static final Constructor<?> DIRECT;

  static {
    Field delegate = null;
    Field conn = null;
    Field queue = null;
    Constructor<?> direct = null;
    try {
      delegate = Class.forName("io.vertx.ext.web.impl.ServerWebSocketWrapper").getDeclaredField("delegate");
      delegate.setAccessible(true);
      conn = Class.forName("io.vertx.core.http.impl.WebSocketImplBase").getDeclaredField("conn");
      queue = VertxConnection.class.getDeclaredField("outboundMessageQueue");
      direct = Class.forName(VertxConnection.class.getName() + "$DirectOutboundMessageQueue").getDeclaredConstructor(VertxConnection.class);
      conn.setAccessible(true);
      queue.setAccessible(true);
      direct.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("WebSockets keep Vert.x's cross-thread write queue (~4 KB each): {}", e.toString());
      conn = null;
    }
    DELEGATE = delegate;
    CONN = conn;
    QUEUE = queue;
    DIRECT = direct;
  }

  private DirectWrites() {
  }

  /** Whether this Vert.x lets WebSockets write directly (false: {@link #apply} does nothing). */
  static boolean available() {
    return CONN != null;
  }

  /**
   * Vert.x's own socket under the one vertx-web hands a router's handler (a wrapper that only
   * overrides the address and scheme), or null if it cannot be reached.
   */
  static WebSocketInternal unwrap(ServerWebSocket ws) {
    if (ws instanceof WebSocketInternal internal) {
      return internal;
    }
    try {
      return DELEGATE != null && DELEGATE.getDeclaringClass().isInstance(ws) ? unwrap((ServerWebSocket) DELEGATE.get(ws)) : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** Call on the socket's event loop, before the first write. */
  static void apply(ServerWebSocket ws) {
    WebSocketInternal inner = unwrap(ws);
    if (CONN == null || inner == null) {
      return;
    }
    try {
      Object conn = CONN.get(inner);
      QUEUE.set(conn, DIRECT.newInstance(conn));
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("WebSocket keeps its write queue: {}", e.toString());
    }
  }
}
