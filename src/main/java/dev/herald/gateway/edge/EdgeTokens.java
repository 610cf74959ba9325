package dev.herald.gateway.edge;

import dev.herald.protocol.ErrorCode;
import dev.herald.token.Principal;
import dev.herald.token.Revocations;
import dev.herald.token.TokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * A token presented at the edge (bridge handshake, HTTP API): refused unchecked when its address
 * presented too many bad ones ({@link AuthThrottle}), verified, counted against the address when
 * bad, and refused when its user was revoked since it was issued. One gateway instance's.
 */
public final class EdgeTokens {

  private final TokenVerifier verifier;
  private final AuthThrottle throttle;
  private final Revocations revocations;

  public EdgeTokens(TokenVerifier verifier, AuthThrottle throttle, Revocations revocations) {
    this.verifier = verifier;
    this.throttle = throttle;
    this.revocations = revocations;
  }

  /** The principal, or a failure carrying its answer (429, 401, 401 "token revoked"). */
  public Future<Principal> check(RoutingContext ctx, String token, boolean allowExpired) {
    String ip = address(ctx);
    if (!throttle.allowed(ip, System.nanoTime())) {
      return Future.failedFuture(ErrorCode.RATE_LIMITED.exception("too many bad tokens from " + ip));
    }
    return verifier.verify(token, allowExpired)
        .onFailure(err -> throttle.failed(ip, System.nanoTime()))
        .compose(p -> revocations.isRevoked(p) ? Future.failedFuture(ErrorCode.UNAUTHORIZED.exception("token revoked"))
            : Future.succeededFuture(p));
  }

  /**
   * Asks {@code attempt} (a connect proxy call) under the same per-address bound as bad tokens:
   * refused 429 at once while the address is over it, and a refusal by the backend counts as a
   * bad token, so one address cannot make the backend judge connect after connect.
   */
  public <T> Future<T> throttled(RoutingContext ctx, java.util.function.Supplier<Future<T>> attempt) {
    String ip = address(ctx);
    if (!throttle.allowed(ip, System.nanoTime())) {
      return Future.failedFuture(ErrorCode.RATE_LIMITED.exception("too many refused connects from " + ip));
    }
    return attempt.get().onFailure(err -> {
      if (err instanceof io.vertx.core.eventbus.ReplyException re && re.failureCode() >= 4000 && re.failureCode() <= 4999) {
        throttle.failed(ip, System.nanoTime());
      }
    });
  }

  /**
   * The peer's address, from the connection: the same as the request's while forwarded headers are
   * not trusted (the router's default), without vertx-web parsing the request's Host and forwarded
   * headers for it on every request (a large compile in a fresh node's first connect storm).
   */
  public static String address(RoutingContext ctx) {
    SocketAddress peer = ctx.request().connection().remoteAddress();
    return peer == null ? "?" : peer.host();
  }
}
