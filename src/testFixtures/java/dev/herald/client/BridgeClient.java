package dev.herald.client;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A raw-WebSocket client of the bridge ({@code /eventbus/websocket}) speaking the official
 * client's frames (docs/protocol.md): requests complete with their answer frame, frames on a
 * handled address go to its handler, every other frame to the default handler. It pings like a
 * live client. A channel message in its short form ({@code "body": [seq, data, from?, traceId?]})
 * is handed on in its long form, with the epoch of the last long one on that address; {@link
 * #bytesReceived} counts what came on the wire. Not part of the product: the integration tests
 * and the benchmark share it.
 */
public final class BridgeClient {

  private final Vertx vertx;
  private final WebSocket ws;
  private final Map<String, Handler<JsonObject>> handlers = new ConcurrentHashMap<>();
  private final Map<String, Promise<JsonObject>> replies = new ConcurrentHashMap<>();
  private final AtomicLong nextReply = new AtomicLong();
  private final Promise<Short> closed = Promise.promise();
  private volatile Handler<JsonObject> otherFrames = f -> { };
  private final long pingTimer;
  /** Per channel address: the epoch its last message in long form carried. */
  private final Map<String, String> epochs = new ConcurrentHashMap<>();
  private final AtomicLong received = new AtomicLong();

  private BridgeClient(Vertx vertx, WebSocket ws, long pingMillis) {
    this.vertx = vertx;
    this.ws = ws;
    try {
      ws.binaryMessageHandler(this::onFrame);
      ws.textMessageHandler(t -> onFrame(Buffer.buffer(t)));
      ws.closeHandler(v -> {
        closed.tryComplete(ws.closeStatusCode());
        // no answer can come any more
        String why = "connection closed (" + ws.closeStatusCode() + (ws.closeReason() == null ? "" : " " + ws.closeReason()) + ")";
        replies.values().forEach(p -> p.tryFail(why));
        replies.clear();
      });
    } catch (IllegalStateException alreadyClosed) {
      // the node closed it between the upgrade and here (a connection over a bound, say): Vert.x
      // refuses handlers on a closed WebSocket, and this client is simply closed already
      closed.tryComplete(ws.closeStatusCode());
    }
    pingTimer = pingMillis > 0 && !closed.future().isComplete() ? vertx.setPeriodic(pingMillis, id -> {
      if (!ws.isClosed()) {
        ws.writeTextMessage("{\"type\":\"ping\"}");
      }
    }) : -1;
  }

  /**
   * Connects with {@code token} (none if null), sending {@code origin} like a browser or none like
   * an app, pinging every {@code pingMillis} (never if 0).
   */
  public static Future<BridgeClient> connect(Vertx vertx, WebSocketClient client, int port, String token, String origin, long pingMillis) {
    return connect(vertx, client, "127.0.0.1", port, token, origin, pingMillis);
  }

  /** The same, to a node on {@code host}. */
  public static Future<BridgeClient> connect(Vertx vertx, WebSocketClient client, String host, int port, String token, String origin,
                                             long pingMillis) {
    WebSocketConnectOptions opts = new WebSocketConnectOptions().setHost(host).setPort(port)
        .setURI("/eventbus/websocket" + (token == null ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
    if (origin != null) {
      opts.addHeader("Origin", origin);
    } else {
      opts.setAllowOriginHeader(false);
    }
    return client.connect(opts).map(ws -> new BridgeClient(vertx, ws, pingMillis));
  }

  /** Connects without a token, bringing {@code headers} (a session cookie for a connect proxy, say); no Origin, a ping every 5 s. */
  public static Future<BridgeClient> connectWithHeaders(Vertx vertx, WebSocketClient client, int port, java.util.Map<String, String> headers) {
    WebSocketConnectOptions opts = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/eventbus/websocket")
        .setAllowOriginHeader(false);
    headers.forEach(opts::addHeader);
    return client.connect(opts).map(ws -> new BridgeClient(vertx, ws, 5000));
  }

  /** Connects like an app: no Origin, a ping every 5 s. */
  public static Future<BridgeClient> connect(Vertx vertx, WebSocketClient client, int port, String token) {
    return connect(vertx, client, port, token, null, 5000);
  }

  private void onFrame(Buffer b) {
    received.addAndGet(b.length());
    JsonObject f = new JsonObject(b);
    String address = f.getString("address");
    if (address != null && address.startsWith(CHANNEL_PREFIX)) {
      f = longForm(address, f);
    }
    Promise<JsonObject> reply = address == null ? null : replies.remove(address);
    if (reply != null) {
      reply.complete(f);
      return;
    }
    Handler<JsonObject> h = address == null ? null : handlers.get(address);
    (h != null ? h : otherFrames).handle(f);
  }

  private static final String CHANNEL_PREFIX = "rt.channel.";

  private JsonObject longForm(String address, JsonObject f) {
    if (f.getValue("body") instanceof JsonObject m && m.getValue("epoch") instanceof String epoch) {
      epochs.put(address, epoch);
    } else if (f.getValue("body") instanceof JsonArray a) {
      JsonObject m = new JsonObject().put("channel", address.substring(CHANNEL_PREFIX.length())).put("seq", a.getValue(0))
          .put("epoch", epochs.get(address)).put("data", a.getValue(1));
      if (a.size() > 2 && a.getValue(2) != null) {
        m.put("from", a.getValue(2));
      }
      if (a.size() > 3) {
        m.put("traceId", a.getValue(3));
      }
      JsonObject rec = new JsonObject().put("type", "rec").put("address", address).put("body", m).put("short", true);
      // the delta form: data is a JSON Patch of the message before (docs/protocol.md, "Delta compression")
      return Boolean.TRUE.equals(f.getValue("delta")) ? rec.put("delta", true) : rec;
    }
    return f;
  }

  /** Bytes of the frames received so far. */
  public long bytesReceived() {
    return received.get();
  }

  /** Where frames go that answer no request of {@link #request} and have no handler of their address. */
  public BridgeClient otherFrames(Handler<JsonObject> handler) {
    this.otherFrames = handler;
    return this;
  }

  public void sendRaw(String text) {
    ws.writeTextMessage(text);
  }

  public void send(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
  }

  /** Sends the register frame; frames on {@code address} go to {@code handler} (null: to the other frames). */
  public void register(String address, Handler<JsonObject> handler) {
    if (handler != null) {
      handlers.put(address, handler);
    }
    send(new JsonObject().put("type", "register").put("address", address));
  }

  /** As {@link #register(String, Handler)}, the register frame carrying {@code headers} (e.g. {@code {"delta": "json-patch"}}). */
  public void register(String address, JsonObject headers, Handler<JsonObject> handler) {
    if (handler != null) {
      handlers.put(address, handler);
    }
    send(new JsonObject().put("type", "register").put("address", address).put("headers", headers));
  }

  /**
   * Completes once every frame sent before has been handled: the bridge handles a connection's
   * frames in order, and a request to an address no client may use is answered at once (with an err).
   */
  public Future<JsonObject> sync() {
    return request("rt.sync-barrier", null, null);
  }

  /** Registers, and completes once messages on the address reach this client. */
  public Future<JsonObject> subscribe(String address, Handler<JsonObject> handler) {
    register(address, handler);
    return sync();
  }

  /** Sends a request; completes with its answer frame ({@code rec} or {@code err}). */
  public Future<JsonObject> request(String address, Object body) {
    return request(address, body, null);
  }

  public Future<JsonObject> request(String address, Object body, JsonObject headers) {
    String reply = "r" + nextReply.incrementAndGet() + "-" + Integer.toHexString(System.identityHashCode(this));
    Promise<JsonObject> p = Promise.promise();
    replies.put(reply, p);
    JsonObject frame = new JsonObject().put("type", "send").put("address", address).put("body", body).put("replyAddress", reply);
    if (headers != null) {
      frame.put("headers", headers);
    }
    send(frame);
    return p.future();
  }

  /** Completes with the close status code when the connection closes. */
  public Future<Short> closed() {
    return closed.future();
  }

  public boolean isClosed() {
    return ws.isClosed();
  }

  public Future<Void> close() {
    if (pingTimer >= 0) {
      vertx.cancelTimer(pingTimer);
    }
    return ws.isClosed() ? Future.succeededFuture() : ws.close();
  }
}
