package dev.herald.config;

/**
 * A configuration value that is missing or wrong. The message names the path of the key
 * ({@code auth.jwt.secret must be at least 32 bytes}) so an operator can fix it from one line.
 */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
