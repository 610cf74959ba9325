package dev.herald.observability;

import dev.herald.protocol.Headers;
import io.vertx.core.MultiMap;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Trace ids in log lines. Vert.x has no MDC that follows asynchronous work, so the ids travel in
 * event-bus headers ({@link Headers#TRACE_ID}) and each hop adds them to its log lines as
 * key-value pairs, with a span id of its own for that hop.
 */
public final class Trace {

  private Trace() {
  }

  /** Adds {@code traceId} (from the headers, or the given one) and a new {@code spanId} for this hop. */
  public static LoggingEventBuilder with(LoggingEventBuilder log, String traceId) {
    return log.addKeyValue("traceId", traceId == null ? "-" : traceId).addKeyValue("spanId", TraceIds.newId());
  }

  public static LoggingEventBuilder with(LoggingEventBuilder log, MultiMap headers) {
    return with(log, headers == null ? null : headers.get(Headers.TRACE_ID));
  }
}
