package dev.herald.it;

import dev.herald.client.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A blocking test client over {@link BridgeClient}: frames that answer no request are kept in
 * order, and {@link #await} blocks until one matches. It pings every second unless told not to.
 */
public final class WsClient implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(15);

  private final BridgeClient bridge;
  private final WebSocketClient client;
  private final List<JsonObject> frames = new ArrayList<>();

  private WsClient(BridgeClient bridge, WebSocketClient client) {
    this.bridge = bridge;
    this.client = client;
    bridge.otherFrames(this::onFrame);
  }

  public static Future<WsClient> connect(Vertx vertx, int port, String token, String origin, boolean ping) {
    WebSocketClient client = vertx.createWebSocketClient();
    return BridgeClient.connect(vertx, client, port, token, origin, ping ? 1000 : 0).map(b -> new WsClient(b, client));
  }

  /** Connects without a token, with these request headers (a connect proxy decides). */
  public static Future<WsClient> connectWithHeaders(Vertx vertx, int port, java.util.Map<String, String> headers) {
    WebSocketClient client = vertx.createWebSocketClient();
    return BridgeClient.connectWithHeaders(vertx, client, port, headers).map(b -> new WsClient(b, client));
  }

  public static WsClient connect(Vertx vertx, int port, String token) {
    return get(connect(vertx, port, token, null, true));
  }

  private void onFrame(JsonObject f) {
    synchronized (frames) {
      frames.add(f);
      frames.notifyAll();
    }
  }

  public void sendRaw(String text) {
    bridge.sendRaw(text);
  }

  public void send(JsonObject frame) {
    bridge.send(frame);
  }

  public void register(String address) {
    bridge.register(address, null);
  }

  /** Registers and waits until messages on the address reach this client. */
  public void subscribe(String address) {
    register(address);
    sync();
  }

  /** Waits until every frame sent before has been handled (see {@link BridgeClient#sync}). */
  public void sync() {
    JsonObject err = get(bridge.sync());
    if (!"err".equals(err.getString("type"))) {
      throw new AssertionError("unexpected answer to the sync barrier: " + err);
    }
  }

  /** Sends a request and waits for its answer frame ({@code rec} or {@code err}). */
  public JsonObject request(String address, Object body) {
    return request(address, body, null);
  }

  public JsonObject request(String address, Object body, JsonObject headers) {
    return get(bridge.request(address, body, headers));
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
    return get(bridge.closed());
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
    return bridge.isClosed();
  }

  @Override
  public void close() {
    bridge.close();
    client.close();
  }
}
