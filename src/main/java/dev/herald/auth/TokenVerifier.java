package dev.herald.auth;

import dev.herald.bus.ErrorCode;
import dev.herald.config.JwtConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/**
 * Verifies a JWT (signature, algorithm, issuer, audience through vertx-auth-jwt; {@code exp},
 * {@code nbf} and the claims Herald reads through {@link TokenRules}) and turns it into a
 * {@link Principal}. Failures are {@link ErrorCode#UNAUTHORIZED} or {@link ErrorCode#TOKEN_EXPIRED}.
 */
public final class TokenVerifier {

  private final JWTAuth jwt;
  private final JwtConfig config;

  public TokenVerifier(Vertx vertx, JwtConfig config) {
    if (!config.hasKey()) {
      throw new IllegalArgumentException("no JWT key configured");
    }
    this.config = config;
    PubSecKeyOptions key = new PubSecKeyOptions().setAlgorithm(config.algorithm())
        .setBuffer(config.secret() != null ? config.secret() : config.publicKey());
    // exp and nbf are checked by TokenRules, which also requires exp and names each failure
    JWTOptions opts = new JWTOptions().setIgnoreExpiration(true).setLeeway(config.leewaySeconds());
    if (config.issuer() != null) {
      opts.setIssuer(config.issuer());
    }
    if (config.audience() != null) {
      opts.addAudience(config.audience());
    }
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key).setJWTOptions(opts));
  }

  public Future<Principal> verify(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(ErrorCode.UNAUTHORIZED.exception("missing token"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(err -> Future.failedFuture(ErrorCode.UNAUTHORIZED.exception(describe(err))))
        .compose(user -> {
          JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
          try {
            TokenRules.checkTimes(claims, System.currentTimeMillis() / 1000, config.leewaySeconds());
            return Future.succeededFuture(Principal.fromClaims(claims));
          } catch (TokenRules.Expired e) {
            return Future.failedFuture(ErrorCode.TOKEN_EXPIRED.exception(e.getMessage()));
          } catch (IllegalArgumentException e) {
            return Future.failedFuture(ErrorCode.UNAUTHORIZED.exception(e.getMessage()));
          }
        });
  }

  /** Signs a token with this node's key: only for dev tokens, which need HS256. */
  public String sign(JsonObject claims, int ttlSeconds) {
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm(config.algorithm()).setExpiresInSeconds(ttlSeconds)
        .setIssuer(config.issuer()).setAudience(config.audience() == null ? null : java.util.List.of(config.audience())));
  }

  private static String describe(Throwable err) {
    String m = err.getMessage();
    return m == null || m.isBlank() ? "invalid token" : "invalid token (" + m + ")";
  }
}
