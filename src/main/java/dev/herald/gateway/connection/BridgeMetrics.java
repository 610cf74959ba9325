package dev.herald.gateway.connection;

import dev.herald.observability.Metrics;
import dev.herald.protocol.Frame;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;

import java.util.EnumMap;
import java.util.Map;

/** The bridge's counters in {@code /metrics}. */
public final class BridgeMetrics {

  public final Counter connects;
  public final Counter disconnects;
  public final Counter refused;
  public final Counter deliveries;
  public final Counter replies;
  /** Channel messages written in their delta form (docs/protocol.md, "Delta compression"). */
  public final Counter deltaDeliveries;
  /** Bytes the delta form saved against the short form, summed over the deliveries. */
  public final Counter deltaSavedBytes;
  private final Map<Frame.Type, Counter> framesIn = new EnumMap<>(Frame.Type.class);
  private final Map<Bound, Counter> limited = new EnumMap<>(Bound.class);

  /** The bounds a connection can hit, each a {@code bound} label of {@code herald_limited_total} (docs/security.md). */
  public enum Bound {
    /** the frame rate */
    COMMANDS,
    PUBLISHES,
    PENDING_REPLIES,
    /** frames waiting to be handled (closed as flooding) */
    PENDING_INBOUND,
    /** closed: did not read what it was sent */
    SLOW_CONSUMER,
    FRAME_SIZE,
    /** requests refused while the connection's answers ran over bridge.answerBytesPerSecond */
    ANSWER_BYTES,
    /** connections refused: the user held bridge.maxConnectionsPerUser on the node */
    CONNECTIONS_PER_USER,
    /** connections told to come back later: over bridge.connectsPerSecond */
    CONNECT_RATE;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public BridgeMetrics(Vertx vertx) {
    connects = Metrics.counter(vertx, "herald_connects", "client connections opened");
    disconnects = Metrics.counter(vertx, "herald_disconnects", "client connections closed");
    refused = Metrics.counter(vertx, "herald_frames_refused", "client frames answered with an err frame");
    deliveries = Metrics.counter(vertx, "herald_fanout_deliveries", "messages written to subscribed clients");
    replies = Metrics.counter(vertx, "herald_replies", "replies written to clients' requests");
    deltaDeliveries = Metrics.counter(vertx, "herald_fanout_delta_deliveries", "channel messages written as a JSON Patch of the one before");
    deltaSavedBytes = Metrics.counter(vertx, "herald_fanout_delta_saved_bytes", "bytes the delta form saved against the whole message, over all deliveries");
    for (Frame.Type t : Frame.Type.values()) {
      framesIn.put(t, Metrics.counter(vertx, "herald_frames_in", "client frames received, by type", "type", t.name().toLowerCase()));
    }
    // every bound from the start, at 0: a dashboard's rate() needs the series before the first hit
    for (Bound b : Bound.values()) {
      limited.put(b, Metrics.counter(vertx, "herald_limited", "times a client connection hit a bound, by bound (docs/security.md)", "bound", b.label()));
    }
  }

  public void frameIn(Frame.Type type) {
    framesIn.get(type).increment();
  }

  /** A connection hit a bound. */
  public void limited(Bound bound) {
    limited.get(bound).increment();
  }
}
