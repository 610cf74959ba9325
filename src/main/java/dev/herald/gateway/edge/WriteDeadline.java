package dev.herald.gateway.edge;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose output stays over Netty's high-water mark for {@code timeoutMs}: its
 * client reads nothing of what it was sent. First in every connection's pipeline, so it stays
 * through an upgrade. Without it, pipelined requests whose answers are never read kept their
 * connection for ever: Vert.x holds the next request until the answer before it went out, so no
 * request deadline ever started again. A client that reads, however slowly, brings the output
 * back under the low-water mark and the clock stops. On the connection's event loop.
 */
public final class WriteDeadline extends ChannelInboundHandlerAdapter {

  static final String NAME = "herald-write-deadline";

  private final long timeoutMs;
  private final Counter closed;
  private ScheduledFuture<?> timer;

  WriteDeadline(long timeoutMs, Counter closed) {
    this.timeoutMs = timeoutMs;
    this.closed = closed;
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (!ctx.channel().isWritable()) {
      if (timer == null) {
        timer = ctx.executor().schedule(() -> {
          timer = null;
          if (!ctx.channel().isWritable()) {
            closed.increment();
            // from here, first in the pipeline: past Vert.x's handler, whose close would wait for
            // the output to go out first, which is what never happens
            ctx.close();
          }
        }, timeoutMs, TimeUnit.MILLISECONDS);
      }
    } else if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    super.channelInactive(ctx);
  }
}
