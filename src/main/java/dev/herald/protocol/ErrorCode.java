package dev.herald.protocol;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * The catalog of error codes. A failed reply carries {@link #code} as its {@code failureCode}
 * and {@link #text} as its message; an HTTP error answers {@link #code} with
 * {@code {"error": text, "message": detail}}. Frame-level bridge errors (no address to answer)
 * use {@link #text} as the {@code err} frame's body.
 */
public enum ErrorCode {
  BAD_REQUEST(400, "bad_request"),
  INVALID_JSON(400, "invalid_json"),
  MISSING_TYPE(400, "missing_type"),
  MISSING_ADDRESS(400, "missing_address"),
  INVALID_TYPE(400, "invalid_type"),
  UNAUTHORIZED(401, "unauthorized"),
  TOKEN_EXPIRED(401, "token_expired"),
  FORBIDDEN(403, "forbidden"),
  ACCESS_DENIED(403, "access_denied"),
  NOT_FOUND(404, "not_found"),
  TIMEOUT(408, "timeout"),
  TOO_LARGE(413, "too_large"),
  RATE_LIMITED(429, "rate_limited"),
  UNAVAILABLE(503, "unavailable");

  public final int code;
  public final String text;

  ErrorCode(int code, String text) {
    this.code = code;
    this.text = text;
  }

  /** The reply message: the code's text, then {@code ": detail"} when there is one. */
  public String message(String detail) {
    return detail == null ? text : text + ": " + detail;
  }

  /** Fails a request with this code. */
  public void fail(Message<?> msg, String detail) {
    msg.fail(code, message(detail));
  }

  /** This error as an exception that fails a future, and a bus reply when passed on. */
  public ReplyException exception(String detail) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message(detail));
  }

  /** The HTTP/JSON form of a reply failure: {@code {"error": "forbidden", "message": "forbidden: ..."}}. */
  public static JsonObject toJson(ReplyException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    int colon = m.indexOf(": ");
    return new JsonObject().put("error", colon > 0 ? m.substring(0, colon) : m).put("message", m);
  }

  /**
   * A failed future's error as a reply failure: a service's own failure passes as it is; no
   * handler, a timeout or any other error becomes 503.
   */
  public static ReplyException asReply(Throwable t) {
    if (t instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return re;
      }
      String why = re.failureType() == ReplyFailure.TIMEOUT ? "no answer in time" : "no service for this address";
      return new ReplyException(re.failureType(), UNAVAILABLE.code, UNAVAILABLE.message(why));
    }
    return UNAVAILABLE.exception(t.getMessage());
  }
}
