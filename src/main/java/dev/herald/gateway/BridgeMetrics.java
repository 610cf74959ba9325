package dev.herald.gateway;

import dev.herald.protocol.Frame;
import dev.herald.observability.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/** The bridge's counters in {@code /metrics}. */
final class BridgeMetrics {

  final Counter connects;
  final Counter disconnects;
  final Counter refused;
  final Counter deliveries;
  final Counter replies;
  private final Map<Frame.Type, Counter> framesIn = new EnumMap<>(Frame.Type.class);
  private final Map<String, Counter> limited = new HashMap<>();
  private final Vertx vertx;

  BridgeMetrics(Vertx vertx) {
    this.vertx = vertx;
    connects = Metrics.counter(vertx, "herald_connects", "client connections opened");
    disconnects = Metrics.counter(vertx, "herald_disconnects", "client connections closed");
    refused = Metrics.counter(vertx, "herald_frames_refused", "client frames answered with an err frame");
    deliveries = Metrics.counter(vertx, "herald_fanout_deliveries", "messages written to subscribed clients");
    replies = Metrics.counter(vertx, "herald_replies", "replies written to clients' requests");
    for (Frame.Type t : Frame.Type.values()) {
      framesIn.put(t, Metrics.counter(vertx, "herald_frames_in", "client frames received, by type", "type", t.name().toLowerCase()));
    }
  }

  void frameIn(Frame.Type type) {
    framesIn.get(type).increment();
  }

  /**
   * A connection hit a bound: {@code commands} (frame rate), {@code publishes}, {@code pending_replies},
   * {@code pending_inbound} (closed as flooding), {@code slow_consumer} (closed), {@code frame_size}.
   */
  void limited(String bound) {
    limited.computeIfAbsent(bound, b -> Metrics.counter(vertx, "herald_limited",
        "times a client connection hit a bound, by bound (docs/security.md)", "bound", b)).increment();
  }
}
