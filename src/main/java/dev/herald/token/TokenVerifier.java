package dev.herald.token;

import dev.herald.protocol.ErrorCode;
import dev.herald.config.JwtConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Verifies a JWT (signature, algorithm, issuer, audience through vertx-auth-jwt; {@code exp},
 * {@code nbf} and the claims Herald reads through {@link TokenRules}) and turns it into a
 * {@link Principal}. Failures are {@link ErrorCode#UNAUTHORIZED} or {@link ErrorCode#TOKEN_EXPIRED}.
 */
public final class TokenVerifier {

  private final JWTAuth jwt;
  private final JwtConfig config;
  private final int maxTokenBytes;

  public TokenVerifier(Vertx vertx, JwtConfig config) {
    if (!config.hasKey()) {
      throw new IllegalArgumentException("no JWT key configured");
    }
    this.config = config;
    this.maxTokenBytes = config.maxTokenBytes();
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

  /** Verifies {@code token} completely: signature, claims and time. */
  public Future<Principal> verify(String token) {
    return verify(token, false);
  }

  /**
   * Verifies {@code token}; with {@code allowExpired} a token past its {@code exp} (or before its
   * {@code nbf}) still names its user. That is for requests on a SockJS session the same user
   * already opened: the session's own token (refreshed on the connection) decides its lifetime,
   * and the fallback transports keep sending the URL they were opened with.
   */
  public Future<Principal> verify(String token, boolean allowExpired) {
    return claims(token, allowExpired).compose(claims -> {
      if (claims.containsKey("channel")) {
        return Future.failedFuture(ErrorCode.UNAUTHORIZED.exception("a subscription token (it has a channel claim) opens no connection"));
      }
      try {
        return Future.succeededFuture(Principal.fromClaims(claims));
      } catch (RuntimeException e) {
        return Future.failedFuture(ErrorCode.UNAUTHORIZED.exception(e.getMessage()));
      }
    });
  }

  /**
   * A subscription token (docs/protocol.md, "Subscription tokens"): verified as a connection token
   * is (same keys, issuer, audience, times), and for {@code user} and {@code channel}: its
   * {@code sub} and {@code channel} claims must name them.
   */
  public Future<Void> verifySubscription(String token, String user, String channel) {
    return claims(token, false).compose(c -> user.equals(c.getValue("sub")) && channel.equals(c.getValue("channel"))
        ? Future.<Void>succeededFuture()
        : Future.failedFuture(ErrorCode.FORBIDDEN.exception("the subscription token is for another user or channel")));
  }

  private Future<JsonObject> claims(String token, boolean allowExpired) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(ErrorCode.UNAUTHORIZED.exception("missing token"));
    }
    if (token.length() > maxTokenBytes) {
      return Future.failedFuture(ErrorCode.UNAUTHORIZED.exception("token longer than " + maxTokenBytes + " bytes"));
    }
    Future<io.vertx.ext.auth.User> user;
    try {
      TokenRules.checkHeader(header(token));
      user = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // the library throws on some malformed tokens instead of failing the future
      return Future.failedFuture(ErrorCode.UNAUTHORIZED.exception(describe(e)));
    }
    return user
        .recover(err -> Future.failedFuture(ErrorCode.UNAUTHORIZED.exception(describe(err))))
        .compose(u -> {
          try {
            JsonObject claims = u.attributes().getJsonObject("accessToken", new JsonObject());
            try {
              TokenRules.checkTimes(claims, System.currentTimeMillis() / 1000, config.leewaySeconds());
            } catch (TokenRules.Expired e) {
              if (!allowExpired) {
                return Future.failedFuture(ErrorCode.TOKEN_EXPIRED.exception(e.getMessage()));
              }
            }
            return Future.succeededFuture(claims);
          } catch (RuntimeException e) {
            return Future.failedFuture(ErrorCode.UNAUTHORIZED.exception(e.getMessage()));
          }
        });
  }

  /** The JOSE header of a compact JWT. */
  private static JsonObject header(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      throw new IllegalArgumentException("not a JWT");
    }
    try {
      return new JsonObject(new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed header");
    }
  }

  /** Signs a token with this node's key: only for dev tokens, which need HS256. */
  public String sign(JsonObject claims, int ttlSeconds) {
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm(config.algorithm()).setExpiresInSeconds(ttlSeconds)
        .setIssuer(config.issuer()).setAudience(config.audience() == null ? null : java.util.List.of(config.audience())));
  }

  /** The library's reason, unless it is an internal exception's text (which says nothing to a caller). */
  private static String describe(Throwable err) {
    String m = err.getMessage();
    boolean internal = err instanceof ClassCastException || err instanceof NullPointerException || err instanceof ArithmeticException;
    return m == null || m.isBlank() || internal ? "invalid token" : "invalid token (" + m + ")";
  }
}
