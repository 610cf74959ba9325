package dev.herald.gateway.connection;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;

/**
 * Trims what Vert.x 5.0.7 keeps for every upgraded WebSocket and never uses again, measured at
 * ~6 KB of heap per idle connection (docs/benchmarks-log.md, "Connection cost"):
 *
 * <ul>
 *   <li>its write path becomes the one Vert.x gives an HTTP connection in strict thread mode:
 *       straight to Netty, without the cross-thread queue;</li>
 *   <li>the factory the upgrade left in the socket's channel handler is dropped: it had made the
 *       WebSocket connection and holds on to the HTTP request, its response, the HTTP connection
 *       and the handshaker (with the URL, token included) for the socket's whole life.</li>
 * </ul>
 *
 * <p>Vert.x 5.0.7 honours {@code HttpServerOptions.setStrictThreadMode} for HTTP connections, but
 * {@code WebSocketConnectionImpl} calls the {@code VertxConnection} constructor without the flag,
 * so every WebSocket gets an MPSC queue whose first chunk is a 1 025-slot array: 4.1 KB of heap per
 * idle connection, the largest single part of one (docs/benchmarks-log.md, "Connection cost"). Herald
 * writes to a connection only on its event loop, which is what strict mode asks, so the queue is
 * swapped for the direct one right after the upgrade, before anything is written. Should a later
 * Vert.x rename what this reaches, it says so once in the log and every socket keeps its queue:
 * it costs memory, nothing else. Drop this once Vert.x passes the flag to WebSocket connections
 * and lets go of the factory once it has run.
 */
public final class LeanWebSockets {

  private static final Logger LOG = LoggerFactory.getLogger(LeanWebSockets.class);
  private static final Field DELEGATE;
  private static final Field CONN;
  private static final Field QUEUE;
  private static final Constructor<?> DIRECT;
  private static final Field FACTORY;

  static {
    Field delegate = null;
    Field conn = null;
    Field queue = null;
    Constructor<?> direct = null;
    Field factory = null;
    try {
      delegate = Class.forName("io.vertx.ext.web.impl.ServerWebSocketWrapper").getDeclaredField("delegate");
      delegate.setAccessible(true);
      conn = Class.forName("io.vertx.core.http.impl.WebSocketImplBase").getDeclaredField("conn");
      queue = VertxConnection.class.getDeclaredField("outboundMessageQueue");
      direct = Class.forName(VertxConnection.class.getName() + "$DirectOutboundMessageQueue").getDeclaredConstructor(VertxConnection.class);
      conn.setAccessible(true);
      queue.setAccessible(true);
      direct.setAccessible(true);
      factory = VertxHandler.class.getDeclaredField("connectionFactory");
      factory.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("WebSockets keep what Vert.x holds for them (~6 KB each): {}", e.toString());
      conn = null;
    }
    DELEGATE = delegate;
    CONN = conn;
    QUEUE = queue;
    DIRECT = direct;
    FACTORY = factory;
  }

  private LeanWebSockets() {
  }

  /** Whether this Vert.x lets WebSockets be trimmed (false: {@link #apply} does nothing). */
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

  /** Trims the socket {@link #unwrap} found (null: nothing to trim); on its event loop, before the first write. */
  static void apply(WebSocketInternal inner) {
    if (CONN == null || inner == null) {
      return;
    }
    try {
      Object conn = CONN.get(inner);
      QUEUE.set(conn, DIRECT.newInstance(conn));
      if (inner.channelHandlerContext().handler() instanceof VertxHandler<?> handler) {
        FACTORY.set(handler, null); // it ran when the handler was added, and runs never again
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("WebSocket not trimmed: {}", e.toString());
    }
  }
}
