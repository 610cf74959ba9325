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

  /** Publishes {@code data} to the room; completes when the server accepted it. */
  Future<?> publish(JsonObject data);

  /** Figures only this server has. */
  default JsonObject extraFigures() throws Exception {
    return new JsonObject();
  }
}
