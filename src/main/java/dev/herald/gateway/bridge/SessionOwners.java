package dev.herald.gateway.bridge;

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
public final class SessionOwners {

  /** {@code /eventbus/<server>/<session>/<transport>}, as SockJS names them. */
  private static final Pattern SESSION_PATH = Pattern.compile(".*/[^/.]+/([^/.]+)/(xhr|xhr_send|xhr_streaming|eventsource|htmlfile|jsonp|jsonp_send|websocket)$");

  private final LocalMap<String, String> owners;
  /**
   * For a session opened through the connect proxy (no token): a digest of the headers the proxy
   * passed on, then the principal the backend granted. A later request of the session that brings
   * the same headers is that principal without asking the backend again; other headers ask again.
   */
  private final LocalMap<String, String> proxied;

  public SessionOwners(Vertx vertx) {
    this.owners = vertx.sharedData().getLocalMap("herald.sockjs.owners");
    this.proxied = vertx.sharedData().getLocalMap("herald.sockjs.proxied");
  }

  /** The principal (claims JSON) the backend granted this live session with these headers, or null. */
  String proxied(String session, String headersDigest) {
    String v = session == null || owners.get(session) == null ? null : proxied.get(session);
    return v != null && v.startsWith(headersDigest + "\n") ? v.substring(headersDigest.length() + 1) : null;
  }

  /** Remembers a live session's grant ({@link #proxied}); a session not open (yet) is not remembered. */
  void rememberProxied(String session, String headersDigest, String claims) {
    if (session != null && owners.get(session) != null) {
      proxied.put(session, headersDigest + "\n" + claims);
    }
  }

  /** The session a SockJS request path names, or null (info, iframe, the raw WebSocket). */
  public static String sessionOf(String path) {
    Matcher m = SESSION_PATH.matcher(path);
    return m.matches() ? m.group(1) : null;
  }

  /** The user who opened {@code session}, or null when no live session has that id. */
  public String owner(String session) {
    return session == null ? null : owners.get(session);
  }

  void claim(String session, String userId) {
    owners.put(session, userId);
  }

  void release(String session) {
    owners.remove(session);
    proxied.remove(session);
  }
}
