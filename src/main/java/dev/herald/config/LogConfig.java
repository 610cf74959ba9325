package dev.herald.config;

import java.util.Set;

/**
 * {@code log}: how the node logs.
 *
 * @param format {@code json} (one object per line: level, logger, message, node, traceId, spanId) or
 *               {@code text} (for a developer's terminal); default {@value #DEFAULT_FORMAT}
 */
public record LogConfig(String format) {

  public static final String DEFAULT_FORMAT = "json";

  public LogConfig {
    if (!format.equals("json") && !format.equals("text")) {
      throw Check.fail("format", " must be json or text (was '" + format + "')");
    }
  }

  static LogConfig from(Section s) {
    s.allowOnly(Set.of("format"));
    return s.build(() -> new LogConfig(s.string("format", DEFAULT_FORMAT)));
  }
}
