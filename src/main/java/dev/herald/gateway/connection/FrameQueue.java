package dev.herald.gateway.connection;

import java.util.ArrayDeque;
import java.util.function.ToIntFunction;

/**
 * The frames of a connection read while an earlier one is still being handled, in order, bounded
 * in bytes ({@code bridge.maxPendingInboundBytes}). Pure; made on the first frame that has to wait.
 */
public final class FrameQueue<T> {

  private final long maxBytes;
  private final ToIntFunction<T> size;
  private final ArrayDeque<T> frames = new ArrayDeque<>(4);
  private long bytes;

  FrameQueue(long maxBytes, ToIntFunction<T> size) {
    this.maxBytes = maxBytes;
    this.size = size;
  }

  /** Queues {@code frame}; false (and nothing queued) when it would take the queue past its bound. */
  public boolean offer(T frame) {
    int n = size.applyAsInt(frame);
    if (bytes + n > maxBytes) {
      return false;
    }
    frames.addLast(frame);
    bytes += n;
    return true;
  }

  /** The oldest frame, or null. */
  public T poll() {
    T f = frames.pollFirst();
    if (f != null) {
      bytes -= size.applyAsInt(f);
    }
    return f;
  }

  long bytes() {
    return bytes;
  }
}
