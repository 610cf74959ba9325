package dev.herald.gateway.fanout;

import dev.herald.bus.Requests;
import dev.herald.protocol.message.GatewayBatch;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Requests of one kind gathered for {@value #GATHER_MS} ms and sent as one: during a storm of
 * connects (the clients of a node that died, all at once), the presence and membership services
 * get one request per batch rather than one per connection, and apply it in as few Hazelcast
 * calls as its backups allow ({@code ClusterHandle.byPartition}; docs/benchmarks-log.md, "Connection cost"). A batch holds at most {@code max}
 * items; each item's future completes with the batch's answer. Used on one event loop only.
 */
public final class Batcher {

  static final long GATHER_MS = 2;

  private final Vertx vertx;
  private final String address;
  private final String field;
  private final int max;
  private final DeliveryOptions options;
  private final Supplier<JsonObject> envelope;
  private JsonArray items;
  private List<Promise<Message<Object>>> waiting;
  private long timer = -1;

  /**
   * @param field    the envelope's field that carries the items
   * @param envelope what every batch carries besides its items (read at each flush)
   */
  Batcher(Vertx vertx, String address, String field, int max, DeliveryOptions options, Supplier<JsonObject> envelope) {
    this.vertx = vertx;
    this.address = address;
    this.field = field;
    this.max = max;
    this.options = options;
    this.envelope = envelope;
  }

  Future<Message<Object>> add(GatewayBatch.Item item) {
    if (items == null) {
      items = new JsonArray(new ArrayList<>());
      waiting = new ArrayList<>();
      timer = vertx.setTimer(GATHER_MS, id -> {
        timer = -1;
        flush();
      });
    }
    Promise<Message<Object>> p = Promise.promise();
    items.add(item.toJson());
    waiting.add(p);
    if (items.size() >= max) {
      vertx.cancelTimer(timer);
      timer = -1;
      flush();
    }
    return p.future();
  }

  private void flush() {
    if (items == null) {
      return;
    }
    JsonArray batch = items;
    List<Promise<Message<Object>>> answered = waiting;
    items = null;
    waiting = null;
    Requests.<Object>localFirst(vertx.eventBus(), address, envelope.get().put(field, batch), options).onComplete(ar -> {
      for (Promise<Message<Object>> p : answered) {
        p.handle(ar);
      }
    });
  }
}
