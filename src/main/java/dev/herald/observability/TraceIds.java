package dev.herald.observability;

import dev.herald.protocol.Headers;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Trace and connection ids: 16 hex digits, random. A client may supply its own trace id. */
public final class TraceIds {

  private static final Pattern CLIENT_TRACE_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  private TraceIds() {
  }

  public static String newId() {
    String hex = Long.toHexString(ThreadLocalRandom.current().nextLong());
    return hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
  }

  /** The client's {@code traceId} header (of a bridge frame's headers) when it is well-formed, else null. */
  public static String given(JsonObject headers) {
    return given(headers != null && headers.getValue(Headers.TRACE_ID) instanceof String t ? t : null);
  }

  /** A trace id a client sent (null if none) when it is well-formed, else null. */
  public static String given(String candidate) {
    return candidate != null && CLIENT_TRACE_ID.matcher(candidate).matches() ? candidate : null;
  }

}
