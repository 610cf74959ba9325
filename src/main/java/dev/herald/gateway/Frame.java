package dev.herald.gateway;

import dev.herald.bus.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * One frame of the event-bus bridge protocol spoken by {@code @vertx/eventbus-bridge-client.js}:
 * in {@code {"type": "send|publish|register|unregister|ping", "address", "body", "headers", "replyAddress"}},
 * out {@code {"type": "rec", ...}} and {@code {"type": "err", ...}}.
 */
public record Frame(Type type, String address, Object body, JsonObject headers, String replyAddress) {

  public enum Type { SEND, PUBLISH, REGISTER, UNREGISTER, PING }

  /** The longest reply address a client may give (the official client uses 36-character UUIDs). */
  public static final int MAX_REPLY_ADDRESS = 64;

  /** A frame that could not be read; {@link #code} says why. */
  public static final class Invalid extends RuntimeException {
    public final ErrorCode code;

    Invalid(ErrorCode code, String detail) {
      super(detail, null, false, false);
      this.code = code;
    }
  }

  /**
   * @throws Invalid for bad JSON, a missing or unknown type, a missing address, or wrong-typed fields
   */
  public static Frame parse(Buffer data) {
    JsonObject json;
    try {
      json = new JsonObject(data);
    } catch (DecodeException | ClassCastException e) {
      throw new Invalid(ErrorCode.INVALID_JSON, null);
    }
    Object t = json.getValue("type");
    if (t == null) {
      throw new Invalid(ErrorCode.MISSING_TYPE, null);
    }
    Type type = switch (t instanceof String s ? s : "") {
      case "send" -> Type.SEND;
      case "publish" -> Type.PUBLISH;
      case "register" -> Type.REGISTER;
      case "unregister" -> Type.UNREGISTER;
      case "ping" -> Type.PING;
      default -> throw new Invalid(ErrorCode.INVALID_TYPE, null);
    };
    if (type == Type.PING) {
      return new Frame(type, null, null, null, null);
    }
    Object address = json.getValue("address");
    if (!(address instanceof String a) || a.isEmpty()) {
      throw new Invalid(ErrorCode.MISSING_ADDRESS, null);
    }
    Object headers = json.getValue("headers");
    if (headers != null && !(headers instanceof JsonObject)) {
      throw new Invalid(ErrorCode.BAD_REQUEST, "headers must be an object");
    }
    Object reply = json.getValue("replyAddress");
    if (reply != null && (!(reply instanceof String r) || r.isEmpty() || r.length() > MAX_REPLY_ADDRESS)) {
      throw new Invalid(ErrorCode.BAD_REQUEST, "replyAddress must be a string of 1-" + MAX_REPLY_ADDRESS + " characters");
    }
    return new Frame(type, a, json.getValue("body"), (JsonObject) headers, (String) reply);
  }

  /** A message delivered to the client on {@code address}. */
  public static Buffer rec(String address, Object body) {
    return new JsonObject().put("type", "rec").put("address", address).put("body", body).toBuffer();
  }

  /** A failure tied to an address: the client calls that address's handler or reply callback with it. */
  public static Buffer err(String address, ReplyException e) {
    return new JsonObject().put("type", "err").put("address", address)
        .put("failureCode", e.failureCode()).put("failureType", e.failureType().name())
        .put("message", e.getMessage()).toBuffer();
  }

  /** {@code frame} refused: the err goes to its reply address if it has one, else to its address. */
  static Buffer refusal(Frame frame, ReplyException e) {
    return err(frame.replyAddress() != null ? frame.replyAddress() : frame.address(), e);
  }

  /** A failure of the frame itself, with no address to answer ({@code {"type":"err","body":"invalid_json"}}). */
  public static Buffer err(ErrorCode code, String detail) {
    JsonObject j = new JsonObject().put("type", "err").put("body", code.text).put("failureCode", code.code);
    if (detail != null) {
      j.put("message", code.message(detail));
    }
    return j.toBuffer();
  }
}
