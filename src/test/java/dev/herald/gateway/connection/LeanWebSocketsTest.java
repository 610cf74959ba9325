package dev.herald.gateway.connection;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trim reaches what this Vert.x keeps per WebSocket (a Vert.x upgrade that renames it fails
 * here, not silently in memory), and the trimmed socket still reads and writes.
 */
class LeanWebSocketsTest {

  @Test
  @DisplayName("a socket upgraded through a router writes straight to Netty, lets go of the upgrade, and still echoes")
  void trimsAnUpgradedSocket() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Promise<String> trimmed = Promise.promise();
      Router router = Router.router(vertx);
      router.get("/ws").handler(ctx -> ctx.request().toWebSocket().onSuccess(ws -> {
        WebSocketInternal inner = LeanWebSockets.unwrap(ws);
        LeanWebSockets.apply(inner);
        try {
          Field conn = Class.forName("io.vertx.core.http.impl.WebSocketImplBase").getDeclaredField("conn");
          conn.setAccessible(true);
          Field queue = VertxConnection.class.getDeclaredField("outboundMessageQueue");
          queue.setAccessible(true);
          Field factory = VertxHandler.class.getDeclaredField("connectionFactory");
          factory.setAccessible(true);
          trimmed.complete(queue.get(conn.get(inner)).getClass().getSimpleName() + " "
              + factory.get(inner.channelHandlerContext().handler()));
        } catch (ReflectiveOperationException e) {
          trimmed.fail(e);
        }
        ws.textMessageHandler(t -> ws.writeTextMessage("echo " + t));
      }));
      HttpServer server = vertx.createHttpServer(new HttpServerOptions().setStrictThreadMode(true)).requestHandler(router).listen(0).await();
      // held until the end: Vert.x 5 closes a client nothing refers to any more
      WebSocketClient clients = vertx.createWebSocketClient();
      WebSocket client = clients.connect(server.actualPort(), "127.0.0.1", "/ws").await();
      Promise<String> echoed = Promise.promise();
      client.textMessageHandler(echoed::tryComplete);
      client.writeTextMessage("hi");
      assertTrue(LeanWebSockets.available());
      assertEquals("DirectOutboundMessageQueue null", trimmed.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertEquals("echo hi", echoed.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      clients.close().await();
    } finally {
      vertx.close().await();
    }
  }
}
