package dev.herald.protocol;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * The catalog of error codes (docs/protocol.md, "Error codes"): each has its own number, so a
 * client tells every error by {@code failureCode} alone; {@link #text} is its snake_case name and
 * {@link #httpStatus} the status the HTTP API answers it with (the number's first three digits).
 * A failed reply carries {@link #code} as its {@code failureCode} and {@code text: detail} as its
 * message; an HTTP error answers {@link #httpStatus} with {@code {"error": text, "code", "message"}}.
 * Frame-level bridge errors (no address to answer) use {@link #text} as the {@code err} frame's body.
 */
public enum ErrorCode {
  BAD_REQUEST(4000, 400, "bad_request"),
  INVALID_JSON(4001, 400, "invalid_json"),
  MISSING_TYPE(4002, 400, "missing_type"),
  MISSING_ADDRESS(4003, 400, "missing_address"),
  INVALID_TYPE(4004, 400, "invalid_type"),
  UNAUTHORIZED(4010, 401, "unauthorized"),
  TOKEN_EXPIRED(4011, 401, "token_expired"),
  FORBIDDEN(4030, 403, "forbidden"),
  ACCESS_DENIED(4031, 403, "access_denied"),
  NOT_FOUND(4040, 404, "not_found"),
  METHOD_NOT_ALLOWED(4050, 405, "method_not_allowed"),
  TIMEOUT(4080, 408, "timeout"),
  TOO_LARGE(4130, 413, "too_large"),
  UNSUPPORTED_MEDIA_TYPE(4150, 415, "unsupported_media_type"),
  RATE_LIMITED(4290, 429, "rate_limited"),
  UNAVAILABLE(5030, 503, "unavailable");

  public final int code;
  public final int httpStatus;
  public final String text;

  ErrorCode(int code, int httpStatus, String text) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.text = text;
  }

  /**
   * The code with this number; for a number not in the catalog, {@link #FORBIDDEN} when it is
   * 4000-4999 (a backend's own refusal, passed on: docs/protocol.md, "Backend proxies"), else
   * {@link #UNAVAILABLE}.
   */
  public static ErrorCode of(int code) {
    for (ErrorCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return code >= 4000 && code <= 4999 ? FORBIDDEN : UNAVAILABLE;
  }

  /** The reply message: the code's text, then {@code ": detail"} when there is one. */
  public String message(String detail) {
    return detail == null ? text : text + ": " + detail;
  }

  /** Fails a request with this code. */
  public void fail(Message<?> msg, String detail) {
    msg.fail(code, message(detail));
  }

  /** Fails a request with a refusal made by {@link #exception} (a message record's validation, say). */
  public static void refuse(Message<?> msg, ReplyException e) {
    msg.fail(e.failureCode(), e.getMessage());
  }

  /** This error as an exception that fails a future, and a bus reply when passed on. */
  public ReplyException exception(String detail) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message(detail));
  }

  /** The HTTP/JSON form of a reply failure: {@code {"error": "forbidden", "code": 4030, "message": "forbidden: ..."}}. */
  public static JsonObject toJson(ReplyException e) {
    ErrorCode c = of(e.failureCode());
    return new JsonObject().put("error", c.text).put("code", e.failureCode() >= 4000 && e.failureCode() <= 5999 ? e.failureCode() : c.code).put("message", e.getMessage() == null ? c.text : e.getMessage());
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
