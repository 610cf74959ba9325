package dev.herald.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.function.BiConsumer;

/**
 * A server the fanout scenario measures: Herald, or a comparison server run in the same bench
 * (Socket.IO 4, bare {@code ws}). Subscribers join one room or channel; a publisher's messages carry
 * the send time in {@code data.t} (µs of the load generator's monotonic clock).
 */
interface FanoutTarget extends AutoCloseable {

  String name();

  /** The server's process, for its CPU time and memory. */
  long pid();

  /** Gets ready for {@code subscribers} connections (tokens, for instance). */
  default void prepare(int subscribers) throws Exception {
  }

  /** Connects subscriber {@code i} and subscribes it; completes once the subscription is in effect. */
  Future<?> subscribe(int i, BiConsumer<Long, JsonObject> onMessage);

  /** Closes every subscriber's connection (a storm of connects is measured once more on a warm server). */
  Future<?> closeSubscribers();

  /** Publishes {@code data} to the room; completes when the server accepted it. */
  Future<?> publish(JsonObject data);

  /** Bytes of the frames the subscribers received so far, as they came on the wire (the WebSocket messages' payloads). */
  long bytesReceived();

  /** Whether the server is a JVM: then its compiler threads' CPU is told apart (a Node.js server's is not). */
  default boolean jvm() {
    return false;
  }

  /** A JVM server's live heap after a full collection, in KB (which also leaves its RSS after a GC); -1 where there is no such thing. */
  default long heapAfterGcKb() throws Exception {
    return -1;
  }

  /** Figures only this server has. */
  default JsonObject extraFigures() throws Exception {
    return new JsonObject();
  }
}
