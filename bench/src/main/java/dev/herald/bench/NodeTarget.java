package dev.herald.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * A comparison server from {@code scripts/compare} (Node.js), started on the nodes' core and
 * driven over raw WebSockets: {@link SocketIo} speaks Engine.IO 4 / Socket.IO 5 framing,
 * {@link BareWs} plain JSON frames.
 */
abstract class NodeTarget implements FanoutTarget {

  static final Path DIR = Path.of("scripts/compare");
  private static final String ROOM = "fanout";

  final Vertx vertx;
  final WebSocketClient ws;
  final int port;
  private final String name;
  private final Process process;
  private final AtomicLong nextId = new AtomicLong();
  private final Map<Long, Promise<Void>> acks = new ConcurrentHashMap<>();
  private WebSocket publisher;
  /** Bytes of the frames received by subscribers (the publisher's acks are not counted). */
  final LongAdder received = new LongAdder();
  private final List<WebSocket> subscribers = new java.util.concurrent.CopyOnWriteArrayList<>();

  NodeTarget(Vertx vertx, WebSocketClient ws, String name, String script, int port) throws Exception {
    if (!Files.isDirectory(DIR.resolve("node_modules"))) {
      throw new IllegalStateException("comparison servers not installed: npm ci --prefix " + DIR + " (scripts/bench.sh does it)");
    }
    this.vertx = vertx;
    this.ws = ws;
    this.port = port;
    this.name = name;
    List<String> cmd = new ArrayList<>(LocalCluster.pinning());
    cmd.addAll(List.of("node", DIR.resolve(script).toString(), String.valueOf(port)));
    Files.createDirectories(Path.of("target/bench/fanout-logs"));
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(Path.of("target/bench/fanout-logs", script + ".log").toFile()).start();
    awaitListening();
  }

  private void awaitListening() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name() + " server exited with " + process.exitValue());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException(name() + " server not listening on " + port + " in 30 s");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public long bytesReceived() {
    return received.sum();
  }

  @Override
  public void prepare(int subscribers) throws Exception {
    publisher = open(null).await();
  }

  @Override
  public Future<?> subscribe(int i, BiConsumer<Long, JsonObject> onMessage) {
    return open(onMessage).compose(s -> {
      subscribers.add(s);
      return send(s, "subscribe", ROOM);
    });
  }

  @Override
  public Future<?> closeSubscribers() {
    List<Future<Void>> closed = subscribers.stream().map(WebSocket::close).toList();
    subscribers.clear();
    return Future.join(closed);
  }

  @Override
  public Future<?> publish(JsonObject data) {
    return send(publisher, "publish", new JsonObject().put("room", ROOM).put("data", data));
  }

  /** An open connection, ready for {@link #send}; messages of the room go to {@code onMessage}. */
  abstract Future<WebSocket> open(BiConsumer<Long, JsonObject> onMessage);

  /** Sends an event with an acknowledgement id ({@link #ack} completes it). */
  abstract void write(WebSocket socket, long id, String event, Object arg);

  private Future<Void> send(WebSocket socket, String event, Object arg) {
    long id = nextId.incrementAndGet();
    Promise<Void> p = Promise.promise();
    acks.put(id, p);
    write(socket, id, event, arg);
    return p.future();
  }

  void ack(long id) {
    Promise<Void> p = acks.remove(id);
    if (p != null) {
      p.complete();
    }
  }

  Future<WebSocket> connect(String uri) {
    return ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri).setAllowOriginHeader(false));
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  /** Socket.IO 4 ({@code socketio-server.js}): Engine.IO packets over a WebSocket-only transport. */
  static final class SocketIo extends NodeTarget {

    SocketIo(Vertx vertx, WebSocketClient ws, int port) throws Exception {
      super(vertx, ws, "socket.io", "socketio-server.js", port);
    }

    @Override
    Future<WebSocket> open(BiConsumer<Long, JsonObject> onMessage) {
      return connect("/socket.io/?EIO=4&transport=websocket").compose(s -> {
        Promise<WebSocket> connected = Promise.promise();
        s.textMessageHandler(m -> {
          if (onMessage != null) {
            received.add(m.length());
          }
          if (m.startsWith("42")) { // event: ["msg", {seq, data}]
            JsonObject msg = new JsonArray(m.substring(2)).getJsonObject(1);
            onMessage.accept(msg.getLong("seq"), msg.getJsonObject("data"));
          } else if (m.startsWith("43")) { // ack: 43<id>[...]
            ack(Long.parseLong(m.substring(2, m.indexOf('['))));
          } else if (m.equals("2")) { // the server's ping
            s.writeTextMessage("3");
          } else if (m.startsWith("40")) { // connected to the namespace
            connected.tryComplete(s);
          } else if (m.startsWith("0")) { // Engine.IO open: join the default namespace
            s.writeTextMessage("40");
          }
        });
        return connected.future();
      });
    }

    @Override
    void write(WebSocket socket, long id, String event, Object arg) {
      socket.writeTextMessage("42" + id + new JsonArray().add(event).add(arg).encode());
    }
  }

  /** The {@code ws} library with no framework ({@code ws-server.js}): JSON frames. */
  static final class BareWs extends NodeTarget {

    BareWs(Vertx vertx, WebSocketClient ws, int port) throws Exception {
      super(vertx, ws, "ws", "ws-server.js", port);
    }

    @Override
    Future<WebSocket> open(BiConsumer<Long, JsonObject> onMessage) {
      return connect("/").map(s -> s.textMessageHandler(m -> {
        if (onMessage != null) {
          received.add(m.length());
        }
        JsonObject f = new JsonObject(m);
        if ("msg".equals(f.getString("type"))) {
          onMessage.accept(f.getLong("seq"), f.getJsonObject("data"));
        } else if ("ok".equals(f.getString("type"))) {
          ack(f.getLong("id"));
        }
      }));
    }

    @Override
    void write(WebSocket socket, long id, String event, Object arg) {
      JsonObject f = new JsonObject().put("type", event).put("id", id);
      if (arg instanceof JsonObject o) {
        f.mergeIn(o);
      } else {
        f.put("room", arg);
      }
      socket.writeTextMessage(f.encode());
    }
  }
}
