package dev.herald.gateway;

import dev.herald.auth.Principal;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import io.vertx.core.Future;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;

/** One client connection on this gateway instance. Touched only on the instance's event loop. */
final class Connection {

  final String id;
  final SockJSSocket socket;
  Principal principal;
  final Set<String> registrations = new HashSet<>(4);
  int pendingReplies;
  long lastSeen;
  boolean expiryNoticeSent;
  boolean closed;
  /** Whether presence counts this connection; it is told of the close only if it does. */
  Presence presence = Presence.NONE;

  enum Presence { NONE, JOINED, LEFT }

  /** Channels this connection is a member of: each completes once the membership service counted it. */
  Map<String, Future<Void>> channels;

  /** A frame is being handled asynchronously; later frames wait in {@link #queue}. */
  boolean waiting;
  ArrayDeque<Buffer> queue;

  Connection(String id, SockJSSocket socket, Principal principal, long now) {
    this.id = id;
    this.socket = socket;
    this.principal = principal;
    this.lastSeen = now;
  }

  Map<String, Future<Void>> channels() {
    if (channels == null) {
      channels = new HashMap<>(4);
    }
    return channels;
  }

  private TokenBucket publishes;

  TokenBucket publishBucket(int perSecond) {
    if (publishes == null) {
      publishes = new TokenBucket(perSecond, 2 * perSecond, System.nanoTime());
    }
    return publishes;
  }

  ArrayDeque<Buffer> queued() {
    if (queue == null) {
      queue = new ArrayDeque<>(4);
    }
    return queue;
  }

  void write(Buffer frame) {
    if (!closed) {
      socket.write(frame);
    }
  }
}
