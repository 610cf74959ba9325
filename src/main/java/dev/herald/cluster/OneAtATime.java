package dev.herald.cluster;

import io.vertx.core.Future;

import java.util.function.Supplier;

/**
 * Asynchronous tasks run one after another: {@link #queue} always runs its task, after those before
 * it; {@link #ifIdle} runs its task only when nothing is queued or under way. No I/O of its own;
 * used on one event loop only.
 */
final class OneAtATime {

  private Future<Void> last = Future.succeededFuture();
  private int pending;

  /** Runs {@code task} once every task queued before it has ended (whatever its outcome). */
  Future<Void> queue(Supplier<Future<Void>> task) {
    pending++;
    last = last.transform(ar -> task.get()).andThen(ar -> pending--);
    return last;
  }

  /** Runs {@code task} now if nothing is queued or under way; false (and nothing run) otherwise. */
  boolean ifIdle(Supplier<Future<Void>> task) {
    if (pending > 0) {
      return false;
    }
    queue(task);
    return true;
  }
}
