package dev.herald.config;

import java.util.Set;

/**
 * {@code auth}: token verification and lifetime.
 *
 * @param devTokens           serve {@code POST /dev/token} and allow a node without a configured
 *                            key (a random secret is made at start). Never in production.
 * @param jwt                 key and claim checks
 * @param expiryNoticeSeconds how long before {@code exp} a live connection is told to refresh;
 *                            default {@value #DEFAULT_EXPIRY_NOTICE_SECONDS}
 * @param devTokenTtlSeconds  lifetime of tokens from {@code /dev/token}; default {@value #DEFAULT_DEV_TOKEN_TTL_SECONDS}
 * @param revocationTtlSeconds how long a revocation ({@code POST /api/v1/users/{user}/revoke}) is
 *                            kept: at least the longest lifetime of the tokens you issue;
 *                            default {@value #DEFAULT_REVOCATION_TTL_SECONDS}
 */
public record AuthConfig(boolean devTokens, JwtConfig jwt, int expiryNoticeSeconds, int devTokenTtlSeconds, int revocationTtlSeconds) {

  public static final int DEFAULT_EXPIRY_NOTICE_SECONDS = 30;
  public static final int DEFAULT_DEV_TOKEN_TTL_SECONDS = 3600;
  public static final int DEFAULT_REVOCATION_TTL_SECONDS = 24 * 3600;

  public AuthConfig {
    Check.range("expiryNoticeSeconds", expiryNoticeSeconds, 1, 3600);
    Check.range("devTokenTtlSeconds", devTokenTtlSeconds, 60, 7 * 24 * 3600);
    Check.range("revocationTtlSeconds", revocationTtlSeconds, 60, 365 * 24 * 3600);
    if (!devTokens && !jwt.hasKey()) {
      throw new ConfigException(k -> k.apply("jwt.secret") + " (HS256) or " + k.apply("jwt.publicKey") + " (RS256/ES256) is required when "
          + k.apply("devTokens") + " is false");
    }
    if (devTokens && !jwt.algorithm().equals("HS256")) {
      throw new ConfigException(k -> k.apply("devTokens") + " needs " + k.apply("jwt.algorithm") + " HS256 (the node signs dev tokens itself)");
    }
  }

  public AuthConfig withJwt(JwtConfig newJwt) {
    return new AuthConfig(devTokens, newJwt, expiryNoticeSeconds, devTokenTtlSeconds, revocationTtlSeconds);
  }

  static AuthConfig from(Section s) {
    s.allowOnly(Set.of("devTokens", "jwt", "expiryNoticeSeconds", "devTokenTtlSeconds", "revocationTtlSeconds"));
    return s.build(() -> new AuthConfig(
        s.bool("devTokens", false),
        JwtConfig.from(s.section("jwt")),
        s.integer("expiryNoticeSeconds", DEFAULT_EXPIRY_NOTICE_SECONDS),
        s.integer("devTokenTtlSeconds", DEFAULT_DEV_TOKEN_TTL_SECONDS),
        s.integer("revocationTtlSeconds", DEFAULT_REVOCATION_TTL_SECONDS)));
  }
}
