package dev.herald.config;

import java.util.function.UnaryOperator;

/**
 * A configuration value that is missing or wrong. The message names the path of the key
 * ({@code auth.jwt.secret must be at least 32 bytes}) so an operator can fix it from one line.
 * A record's constructor names its keys relative to the record ({@code secret must be at least
 * 32 bytes}); read from the file, {@link #under} names them from the section the record was read at.
 */
public final class ConfigException extends RuntimeException {

  /** A message that names each key it mentions through {@code key}. */
  @FunctionalInterface
  interface Message {
    String write(UnaryOperator<String> key);
  }

  /** How the message is written, while its keys are relative to a record; null once they are in full. */
  private final transient Message relative;

  /** An error whose message names its keys in full (or names none). */
  public ConfigException(String message) {
    super(message, null, false, false);
    this.relative = null;
  }

  /** An error of a record's field, naming its keys relative to the record. */
  ConfigException(Message message) {
    super(message.write(UnaryOperator.identity()), null, false, false);
    this.relative = message;
  }

  /**
   * This error as seen from the section at {@code path}: its keys in full ({@code path.key}), so it
   * is not prefixed again on the way out. An error already in full is returned as it is.
   */
  ConfigException under(String path) {
    return relative == null ? this : new ConfigException(relative.write(k -> path.isEmpty() ? k : path + "." + k));
  }
}
