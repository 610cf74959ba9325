package dev.herald.gateway.connection;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A Server-Sent Events stream as the bridge's transport (receive-only): the bridge writes it the
 * frames it writes any connection, {@link SseEvents} turns them into events, and the frames the
 * stream needs sent (its registrations, the history reads that keep it whole) go to the bridge as
 * if the client had sent them, so every permission, bound, rate and the slow-consumer rule are
 * the bridge's own. A comment line every {@code keepAliveMs} keeps proxies from closing it and
 * tells the bridge it is alive (it has nothing else to say).
 */
public final class SseSocket implements ClientSocket {

  private final HttpServerResponse response;
  private final HttpConnection tcp;
  private final Context context;
  private final SseEvents events;
  private final List<JsonObject> first;
  private final Vertx vertx;
  private final long keepAliveMs;
  private Handler<Buffer> frames = b -> { };
  private Runnable alive = () -> { };
  private long timer = -1;
  private boolean ended;
  private boolean closeTold;
  private Handler<Void> closed = v -> { };

  /**
   * @param first the frames to send as the client's once the bridge took the stream (registrations, history reads)
   */
  public SseSocket(Vertx vertx, HttpServerResponse response, HttpConnection tcp, SseEvents events, List<JsonObject> first, long keepAliveMs) {
    this.vertx = vertx;
    this.response = response;
    this.tcp = tcp;
    this.context = vertx.getOrCreateContext();
    this.events = events;
    this.first = first;
    this.keepAliveMs = keepAliveMs;
    response.setStatusCode(200).setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no"); // nginx: pass each event on at once
    response.write(": herald\n\n");
    response.closeHandler(v -> ended()); // from the start: a client gone before the bridge took the stream is seen
  }

  /** Called at each keep-alive: the stream is still open. */
  public void onKeepAlive(Runnable alive) {
    this.alive = alive;
  }

  @Override
  public Future<Void> write(Buffer frame) {
    if (ended) {
      return Future.succeededFuture();
    }
    JsonObject f = frame.toJsonObject();
    SseEvents.Output out = events.onFrame(f);
    if ("closed".equals(f.getValue("body")) && "err".equals(f.getString("type"))) {
      closeTold = true;
    }
    for (JsonObject request : out.requests()) {
      context.runOnContext(v -> {
        if (!ended) {
          frames.handle(request.toBuffer());
        }
      });
    }
    return out.text().isEmpty() ? Future.succeededFuture() : response.write(out.text());
  }

  @Override
  public boolean writeQueueFull() {
    return !ended && response.writeQueueFull();
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    response.drainHandler(handler);
  }

  @Override
  public void close(int code, String reason) {
    if (ended) {
      return;
    }
    if (!closeTold) {
      write(dev.herald.protocol.Frame.closing(code, reason));
    }
    response.end();
    ended();
  }

  /** Once, however it ended: the bridge forgets the connection. */
  private void ended() {
    ended = true;
    vertx.cancelTimer(timer);
    Handler<Void> h = closed;
    closed = v -> { };
    h.handle(null);
  }

  @Override
  public boolean webSocket() {
    return false;
  }

  @Override
  public void pause() {
    // nothing to read
  }

  @Override
  public void resume() {
    // nothing to read
  }

  @Override
  public void cut() {
    tcp.close();
    ended();
  }

  @Override
  public void handlers(Handler<Buffer> frames, Handler<Void> closed, Handler<Throwable> failed) {
    this.frames = frames;
    this.closed = closed;
    if (response.closed()) {
      context.runOnContext(v -> ended()); // once the bridge has done opening it: then it forgets it
      return;
    }
    response.exceptionHandler(failed);
    timer = vertx.setPeriodic(keepAliveMs, id -> {
      if (!ended) {
        // alive only once the line went out; a write that fails ends the stream
        response.write(": keep-alive\n\n").onComplete(ar -> {
          if (ar.succeeded()) {
            alive.run();
          } else {
            ended();
          }
        });
      }
    });
    // on a later turn: the bridge holds the connection's frames until presence counted it
    for (JsonObject f : first) {
      context.runOnContext(v -> {
        if (!ended) {
          this.frames.handle(f.toBuffer());
        }
      });
    }
  }

  @Override
  public void guard(FrameGuard.Listener guard) {
    // no frames come from the client
  }
}
