package dev.herald.protocol;

import io.vertx.core.AsyncResult;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;

/** Answers to internal requests whose only news is "done" or "failed". */
public final class Replies {

  private Replies() {
  }

  /** Replies empty on success; on failure fails the request as {@link ErrorCode#asReply} says. */
  public static void ack(Message<?> msg, AsyncResult<?> result) {
    if (result.succeeded()) {
      msg.reply(null);
    } else {
      ReplyException re = ErrorCode.asReply(result.cause());
      msg.fail(re.failureCode(), re.getMessage());
    }
  }
}
