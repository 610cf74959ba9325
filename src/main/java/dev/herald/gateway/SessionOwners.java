package dev.herald.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who opened each SockJS session on this node. The fallback transports (xhr_send, xhr polling,
 * eventsource, ...) are separate HTTP requests that name a session in their path; each carries a
 * token, and a request whose token is another user's than the session's owner is refused (403),
 * or one valid token could drive or read anyone's session. Node-wide: vertx-web keeps SockJS
 * sessions in one node-local map, so a request may reach any gateway instance.
 */
final class SessionOwners {

  /** {@code /eventbus/<server>/<session>/<transport>}, as SockJS names them. */
  private static final Pattern SESSION_PATH = Pattern.compile(".*/[^/.]+/([^/.]+)/(xhr|xhr_send|xhr_streaming|eventsource|htmlfile|jsonp|jsonp_send|websocket)$");

  private final LocalMap<String, String> owners;

  SessionOwners(Vertx vertx) {
    this.owners = vertx.sharedData().getLocalMap("herald.sockjs.owners");
  }

  /** The session a SockJS request path names, or null (info, iframe, the raw WebSocket). */
  static String sessionOf(String path) {
    Matcher m = SESSION_PATH.matcher(path);
    return m.matches() ? m.group(1) : null;
  }

  /** The user who opened {@code session}, or null when no live session has that id. */
  String owner(String session) {
    return session == null ? null : owners.get(session);
  }

  void claim(String session, String userId) {
    owners.put(session, userId);
  }

  void release(String session) {
    owners.remove(session);
  }
}
