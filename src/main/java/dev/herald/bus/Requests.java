package dev.herald.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Requests to Herald's services, local first. Every service keeps its state in the cluster, so
 * any instance can answer: one on this node answers without a network hop, and only when this
 * node runs none does the request go to the cluster. That also keeps requests away from a node
 * that just died: the clustered event bus goes on choosing it until its registrations are
 * cleaned up, and a request sent there waits for its whole timeout.
 */
public final class Requests {

  private Requests() {
  }

  public static <T> Future<Message<T>> localFirst(EventBus eb, String address, Object body, DeliveryOptions options) {
    return eb.<T>request(address, body, new DeliveryOptions(options).setLocalOnly(true)).recover(err ->
        err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
            ? eb.request(address, body, options)
            : Future.failedFuture(err));
  }
}
