package dev.herald.auth;

import dev.herald.bus.Guarded;
import dev.herald.token.TokenLifetime;
import dev.herald.token.Revocations;
import dev.herald.token.TokenVerifier;
import dev.herald.cluster.ClusterHandle;
import dev.herald.protocol.Addresses;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Headers;
import dev.herald.config.AuthConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * Token verification as a service on the bus.
 * <ul>
 *   <li>{@link Addresses#AUTH_REFRESH} {@code {"token"}} from a client: the new token must be valid and for
 *   the same user as the connection ({@link Headers#USER_ID}); replies {@code {"exp", "principal"}}; the
 *   gateway adopts the principal for the connection and passes {@code {"exp"}} on to the client.</li>
 * </ul>
 * Closing a connection whose token ran out is done where the socket lives, by the gateway's sweep
 * ({@link TokenLifetime} decides when).
 */
public final class AuthVerticle extends VerticleBase {

  private final AuthConfig config;
  private final ClusterHandle cluster;
  private TokenVerifier verifier;
  private Revocations revocations;

  public AuthVerticle(AuthConfig config, ClusterHandle cluster) {
    this.config = config;
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    verifier = new TokenVerifier(vertx, config.jwt());
    revocations = new Revocations(cluster.hazelcast());
    return vertx.eventBus().<JsonObject>consumer(Addresses.AUTH_REFRESH, Guarded.handler(Addresses.AUTH_REFRESH, this::onRefresh)).completion();
  }

  private void onRefresh(Message<JsonObject> msg) {
    String token = tokenOf(msg);
    if (token == null) {
      return;
    }
    String connectedAs = msg.headers().get(Headers.USER_ID);
    verifier.verify(token).onComplete(ar -> {
      if (ar.failed()) {
        fail(msg, ar.cause());
      } else if (revocations.isRevoked(ar.result())) {
        ErrorCode.UNAUTHORIZED.fail(msg, "token revoked");
      } else if (!ar.result().userId().equals(connectedAs)) {
        ErrorCode.FORBIDDEN.fail(msg, "the new token is for another user");
      } else {
        msg.reply(new JsonObject().put("exp", ar.result().exp()).put("principal", ar.result().toJson()));
      }
    });
  }

  private static String tokenOf(Message<JsonObject> msg) {
    Object body = msg.body();
    if (!(body instanceof JsonObject json) || !(json.getValue("token") instanceof String t) || t.isBlank()) {
      ErrorCode.BAD_REQUEST.fail(msg, "body must be {\"token\": \"<jwt>\"}");
      return null;
    }
    return t;
  }

  private static void fail(Message<?> msg, Throwable cause) {
    ReplyException re = ErrorCode.asReply(cause);
    msg.fail(re.failureCode(), re.getMessage());
  }
}
