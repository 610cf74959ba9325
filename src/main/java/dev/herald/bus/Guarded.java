package dev.herald.bus;

import dev.herald.protocol.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's request handler that cannot leave a request unanswered: an exception it throws (a
 * bug, or an input no check foresaw) is logged and answered 5030 {@code unavailable} at once,
 * where the event bus would drop it and the asker wait for its whole timeout.
 */
public final class Guarded {

  private static final Logger LOG = LoggerFactory.getLogger(Guarded.class);

  private Guarded() {
  }

  public static <T> Handler<Message<T>> handler(String address, Handler<Message<T>> h) {
    return msg -> {
      try {
        h.handle(msg);
      } catch (RuntimeException e) {
        LOG.error("the handler of {} failed on a request; answered unavailable", address, e);
        if (msg.replyAddress() != null) {
          ErrorCode.UNAVAILABLE.fail(msg, "the service failed on this request");
        }
      }
    };
  }
}
