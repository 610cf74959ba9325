package dev.herald.bench;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Map;

/** A raw-WebSocket bridge client for the benchmark: register handlers, make requests, ping. */
final class BenchClient {

  private final WebSocket ws;
  private final Map<String, Handler<JsonObject>> handlers = new ConcurrentHashMap<>();
  private final Map<String, Promise<JsonObject>> replies = new ConcurrentHashMap<>();
  private final AtomicLong nextReply = new AtomicLong();

  private BenchClient(Vertx vertx, WebSocket ws) {
    this.ws = ws;
    ws.binaryMessageHandler(this::onFrame);
    vertx.setPeriodic(5000, id -> {
      if (!ws.isClosed()) {
        ws.writeTextMessage("{\"type\":\"ping\"}");
      }
    });
  }

  static Future<BenchClient> connect(Vertx vertx, WebSocketClient client, int port, String token) {
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setAllowOriginHeader(false)
        .setURI("/eventbus/websocket?token=" + token)).map(ws -> new BenchClient(vertx, ws));
  }

  private void onFrame(Buffer b) {
    JsonObject f = new JsonObject(b);
    String address = f.getString("address");
    Promise<JsonObject> reply = replies.remove(address);
    if (reply != null) {
      reply.complete(f);
      return;
    }
    Handler<JsonObject> h = handlers.get(address);
    if (h != null) {
      h.handle(f);
    }
  }

  /** Registers and completes once the registration is in place (a request after it was answered). */
  Future<JsonObject> register(String address, Handler<JsonObject> handler) {
    handlers.put(address, handler);
    ws.writeTextMessage(new JsonObject().put("type", "register").put("address", address).encode());
    return request("rt.bench.barrier", null);
  }

  /** Sends a request; completes with its answer frame (rec or err). */
  Future<JsonObject> request(String address, Object body) {
    String reply = "r" + nextReply.incrementAndGet();
    Promise<JsonObject> p = Promise.promise();
    replies.put(reply, p);
    ws.writeTextMessage(new JsonObject().put("type", "send").put("address", address).put("body", body).put("replyAddress", reply).encode());
    return p.future();
  }

  Future<Void> close() {
    return ws.close();
  }
}
