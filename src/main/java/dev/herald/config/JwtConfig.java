package dev.herald.config;

import java.util.Set;

/**
 * {@code auth.jwt}: how tokens are verified.
 *
 * @param algorithm     {@code HS256} (shared secret), {@code RS256} or {@code ES256} (public key)
 * @param secret        HS256 secret, at least 32 bytes; env {@code HERALD_JWT_SECRET}
 * @param publicKey     PEM public key for RS256/ES256
 * @param issuer        required {@code iss}, or null to skip the check
 * @param audience      required {@code aud}, or null to skip the check
 * @param leewaySeconds clock skew tolerated on {@code exp}/{@code nbf}; default {@value #DEFAULT_LEEWAY_SECONDS}
 * @param maxTokenBytes longest token accepted (longer ones are refused before any signature
 *                      check); default {@value #DEFAULT_MAX_TOKEN_BYTES}
 */
public record JwtConfig(String algorithm, String secret, String publicKey, String issuer, String audience, int leewaySeconds,
                        int maxTokenBytes) {

  public static final int DEFAULT_LEEWAY_SECONDS = 5;
  public static final int DEFAULT_MAX_TOKEN_BYTES = 8192;
  public static final int MIN_SECRET_BYTES = 32;

  public JwtConfig {
    Check.range("leewaySeconds", leewaySeconds, 0, 300);
    Check.range("maxTokenBytes", maxTokenBytes, 512, 65_536);
    switch (algorithm) {
      case "HS256" -> {
        Check.secret("secret", secret, MIN_SECRET_BYTES);
        if (publicKey != null) {
          throw new ConfigException(k -> k.apply("publicKey") + " is for RS256/ES256; HS256 takes " + k.apply("secret"));
        }
      }
      case "RS256", "ES256" -> {
        if (secret != null) {
          throw new ConfigException(k -> k.apply("secret") + " is for HS256; " + algorithm + " takes " + k.apply("publicKey"));
        }
        if (publicKey != null && !publicKey.contains("-----BEGIN PUBLIC KEY-----")) {
          throw Check.fail("publicKey", " must be a PEM public key (-----BEGIN PUBLIC KEY-----)");
        }
      }
      default -> throw Check.fail("algorithm", " must be HS256, RS256 or ES256 (was '" + algorithm + "')");
    }
  }

  /** True when a key to verify tokens is configured. */
  public boolean hasKey() {
    return secret != null || publicKey != null;
  }

  public JwtConfig withSecret(String newSecret) {
    return new JwtConfig(algorithm, newSecret, publicKey, issuer, audience, leewaySeconds, maxTokenBytes);
  }

  static JwtConfig from(Section s) {
    s.allowOnly(Set.of("algorithm", "secret", "publicKey", "issuer", "audience", "leewaySeconds", "maxTokenBytes"));
    return s.build(() -> new JwtConfig(
        s.string("algorithm", "HS256"),
        s.string("secret", null),
        s.string("publicKey", null),
        s.string("issuer", null),
        s.string("audience", null),
        s.integer("leewaySeconds", DEFAULT_LEEWAY_SECONDS),
        s.integer("maxTokenBytes", DEFAULT_MAX_TOKEN_BYTES)));
  }
}
