package dev.herald.gateway;

import dev.herald.auth.Principal;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import java.util.ArrayDeque;
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

  /** A frame is being handled asynchronously; later frames wait in {@link #queue}. */
  boolean waiting;
  ArrayDeque<Buffer> queue;

  Connection(String id, SockJSSocket socket, Principal principal, long now) {
    this.id = id;
    this.socket = socket;
    this.principal = principal;
    this.lastSeen = now;
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
