package dev.herald.gateway.fanout;

import dev.herald.bus.ChannelClient;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.message.ChannelProbe;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import dev.herald.observability.Metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Waits, for a channel address this gateway has just registered, until the channel's owner reaches
 * it. A register completes once the cluster's registration map holds it, but the owner delivers
 * through its own cached copy of that map, which Hazelcast's entry events bring up to date a
 * moment later (longer in a storm of registrations: the cache is refreshed one address at a time).
 * A message published in between would miss this node. So the gateway asks the owner to publish a
 * probe's marker on the address the way it delivers ({@link ChannelProbe}) and answers its
 * client's {@code register} once the marker came back, asking again at growing intervals, for at
 * most {@code bridge.registerSettleMs}; past that it answers anyway (counted as a timeout: the
 * channel's next message then shows the hole, which history fills), and at once when no broadcast
 * service takes probes (counted as unanswered). Touched only on the gateway's event loop.
 */
final class OwnerReach {

  /** The waits between probes: 50 ms, then twice as long each time. */
  private static final long FIRST_RETRY_MS = 50;

  private final class Wait {
    final String channel;
    final String probe = UUID.randomUUID().toString();
    final long deadline; // System.nanoTime()
    final Promise<Void> done = Promise.promise();
    long retryMs = FIRST_RETRY_MS;
    long timer = -1;

    Wait(String channel, long deadline) {
      this.channel = channel;
      this.deadline = deadline;
    }
  }

  private final Vertx vertx;
  private final ChannelClient channels;
  private final int settleMs;
  private final Map<String, Wait> waits = new HashMap<>();
  /** The same waits by channel: a gateway waits at most once at a time for a channel (one route per address). */
  private final Map<String, Wait> byChannel = new HashMap<>();
  private final Counter reached;
  private final Counter timedOut;
  private final Counter unanswered;
  private final Counter probes;

  OwnerReach(Vertx vertx, ChannelClient channels, int settleMs) {
    this.vertx = vertx;
    this.channels = channels;
    this.settleMs = settleMs;
    String help = "channel registrations the channel's owner was waited for (docs/protocol.md, \"Bridge frames\"), by outcome";
    reached = Metrics.counter(vertx, "herald_register_settles", help, "outcome", "reached");
    timedOut = Metrics.counter(vertx, "herald_register_settles", help, "outcome", "timeout");
    unanswered = Metrics.counter(vertx, "herald_register_settles", help, "outcome", "unanswered");
    probes = Metrics.counter(vertx, "herald_register_probes", "probes sent to channels' owners while waiting for them to reach a new registration");
  }

  /** Completes once {@code channel}'s owner reaches this gateway's registration, or {@code bridge.registerSettleMs} passed. */
  Future<Void> await(String channel) {
    if (settleMs == 0) {
      return Future.succeededFuture();
    }
    Wait previous = byChannel.get(channel);
    if (previous != null) {
      return previous.done.future(); // registered again (after a split) while the first wait goes on: the same question
    }
    Wait w = new Wait(channel, System.nanoTime() + settleMs * 1_000_000L);
    waits.put(w.probe, w);
    byChannel.put(channel, w);
    probe(w);
    return w.done.future();
  }

  private void probe(Wait w) {
    probes.increment();
    long left = Math.max(1, leftMs(w));
    channels.probe(new ChannelProbe(w.channel, w.probe), new DeliveryOptions().setSendTimeout(left)).onComplete(ar -> {
      if (w.done.future().isComplete()) {
        return;
      }
      if (ar.failed() && ar.cause() instanceof ReplyException e
          && (e.failureType() == ReplyFailure.NO_HANDLERS || e.failureCode() == ErrorCode.BAD_REQUEST.code)) {
        finish(w, unanswered); // no broadcast service takes probes (one of an earlier version, in a rolling upgrade): no use asking again
        return;
      }
      // answered or failed: the marker may still be on its way (it comes on another connection), or never come
      long wait = Math.min(w.retryMs, leftMs(w));
      if (wait <= 0) {
        finish(w, timedOut);
        return;
      }
      w.retryMs *= 2;
      w.timer = vertx.setTimer(wait, t -> {
        if (!w.done.future().isComplete()) {
          if (leftMs(w) <= 0) {
            finish(w, timedOut);
          } else {
            probe(w);
          }
        }
      });
    });
  }

  /**
   * Whether {@code body}, come on a channel's address, is a probe's marker rather than a message
   * (any gateway's: each gateway that listens there gets every marker); a marker of one of this
   * gateway's waits ends it.
   */
  boolean marker(Object body) {
    String probe = ChannelProbe.probeOf(body);
    if (probe == null) {
      return false;
    }
    Wait w = waits.get(probe);
    if (w != null) {
      finish(w, reached);
    }
    return true;
  }

  /** Ends the wait on {@code channel}: its registration is gone. */
  void forget(String channel) {
    Wait w = byChannel.get(channel);
    if (w != null) {
      finish(w, null);
    }
  }

  private static long leftMs(Wait w) {
    return (w.deadline - System.nanoTime()) / 1_000_000;
  }

  private void finish(Wait w, Counter outcome) {
    waits.remove(w.probe);
    byChannel.remove(w.channel, w);
    if (w.timer >= 0) {
      vertx.cancelTimer(w.timer);
    }
    if (outcome != null) {
      outcome.increment();
    }
    w.done.tryComplete();
  }
}
