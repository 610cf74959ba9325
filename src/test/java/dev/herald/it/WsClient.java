package dev.herald.it;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A raw-WebSocket bridge client for tests ({@code /eventbus/websocket}), speaking the frames of
 * the official client. Frames received are kept in order; {@link #await} blocks until one matches.
 * It pings every second unless told not to, like a live client.
 */
public final class WsClient implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(15);

  private final WebSocket ws;
  private final WebSocketClient client;
  private final List<JsonObject> frames = new ArrayList<>();
  private final Promise<Short> closed = Promise.promise();
  private final long pingTimer;
  private final Vertx vertx;

  private WsClient(Vertx vertx, WebSocketClient client, WebSocket ws, boolean ping) {
    this.vertx = vertx;
    this.client = client;
    this.ws = ws;
    ws.binaryMessageHandler(this::onFrame);
    ws.textMessageHandler(t -> onFrame(Buffer.buffer(t)));
    ws.closeHandler(v -> closed.tryComplete(ws.closeStatusCode()));
    pingTimer = ping ? vertx.setPeriodic(1000, id -> {
      if (!ws.isClosed()) {
        ws.writeTextMessage("{\"type\":\"ping\"}");
      }
    }) : -1;
  }

  public static Future<WsClient> connect(Vertx vertx, int port, String token, String origin, boolean ping) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions opts = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/eventbus/websocket" + (token == null ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
    if (origin != null) {
      opts.addHeader("Origin", origin);
    } else {
      opts.setAllowOriginHeader(false); // like an app or a server, not a browser
    }
    return client.connect(opts).map(ws -> new WsClient(vertx, client, ws, ping));
  }

  public static WsClient connect(Vertx vertx, int port, String token) {
    return get(connect(vertx, port, token, null, true));
  }

  private void onFrame(Buffer b) {
    synchronized (frames) {
      frames.add(new JsonObject(b));
      frames.notifyAll();
    }
  }

  public void sendRaw(String text) {
    ws.writeTextMessage(text);
  }

  public void send(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
  }

  public void register(String address) {
    send(new JsonObject().put("type", "register").put("address", address));
  }

  /** Registers and waits until messages on the address reach this client. */
  public void subscribe(String address) {
    register(address);
    sync();
  }

  /**
   * Waits until every frame sent before has been handled: the bridge handles a connection's
   * frames in order, and a request to an address no client may use is answered at once.
   */
  public void sync() {
    JsonObject err = request("rt.sync-barrier", null);
    if (!"err".equals(err.getString("type"))) {
      throw new AssertionError("unexpected answer to the sync barrier: " + err);
    }
  }

  /** Sends a request and waits for its answer frame ({@code rec} or {@code err}). */
  public JsonObject request(String address, Object body) {
    return request(address, body, new JsonObject());
  }

  public JsonObject request(String address, Object body, JsonObject headers) {
    String reply = UUID.randomUUID().toString();
    send(new JsonObject().put("type", "send").put("address", address).put("body", body)
        .put("headers", headers).put("replyAddress", reply));
    return await(f -> reply.equals(f.getString("address")));
  }

  /** The first frame received that matches, removed from the kept frames; fails after 15 s. */
  public JsonObject await(Predicate<JsonObject> match) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    synchronized (frames) {
      while (true) {
        for (int i = 0; i < frames.size(); i++) {
          if (match.test(frames.get(i))) {
            return frames.remove(i);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no matching frame within " + WAIT + "; received: " + frames);
        }
        try {
          frames.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  public JsonObject awaitOn(String address) {
    return await(f -> address.equals(f.getString("address")));
  }

  /** Frames received and not yet taken by {@link #await}. */
  public List<JsonObject> pending() {
    synchronized (frames) {
      return List.copyOf(frames);
    }
  }

  /** Waits for the server to close the connection; returns the close status code. */
  public short awaitClosed() {
    return get(closed.future());
  }

  /** The future's result, failing the test after 15 s. */
  public static <T> T get(Future<T> f) {
    try {
      return f.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("not done within " + WAIT, e);
    }
  }

  public boolean isClosed() {
    return ws.isClosed();
  }

  @Override
  public void close() {
    if (pingTimer >= 0) {
      vertx.cancelTimer(pingTimer);
    }
    if (!ws.isClosed()) {
      ws.close();
    }
    client.close();
  }
}
