package dev.herald.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;

/**
 * One frame of the event-bus bridge protocol spoken by {@code @vertx/eventbus-bridge-client.js}:
 * in {@code {"type": "send|publish|register|unregister|ping", "address", "body", "headers", "replyAddress"}},
 * out {@code {"type": "rec", ...}} and {@code {"type": "err", ...}}.
 */
public record Frame(Type type, String address, Object body, JsonObject headers, String replyAddress) {

  public enum Type { SEND, PUBLISH, REGISTER, UNREGISTER, PING }

  /** The longest reply address a client may give (the official client uses 36-character UUIDs). */
  public static final int MAX_REPLY_ADDRESS = 64;

  /** A frame that could not be read; {@link #code} says why, to {@link #replyAddress} when the frame named one. */
  public static final class Invalid extends RuntimeException {
    public final ErrorCode code;
    public final String replyAddress;

    Invalid(ErrorCode code, String detail) {
      this(code, detail, null);
    }

    Invalid(ErrorCode code, String detail, String replyAddress) {
      super(detail, null, false, false);
      this.code = code;
      this.replyAddress = replyAddress;
    }

    /** The err frame that answers it: to the reply address's callback, or to the connection. */
    public Buffer answer() {
      return replyAddress == null ? err(code, getMessage()) : err(replyAddress, code.exception(getMessage()));
    }
  }

  /**
   * @param maxDepth deepest nesting allowed in the body (http.maxJsonDepth)
   * @throws Invalid for bad JSON, JSON nested too deep, a missing or unknown type, a missing
   *                 address, or wrong-typed fields
   */
  public static Frame parse(Buffer data, int maxDepth) {
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
    String refused = JsonShape.refusal(json.getValue("body"), maxDepth);
    if (refused == null) {
      refused = JsonShape.refusal(headers, 1);
    }
    if (refused != null) {
      throw new Invalid(ErrorCode.BAD_REQUEST, JsonShape.explain(refused, maxDepth), (String) reply);
    }
    return new Frame(type, a, json.getValue("body"), (JsonObject) headers, (String) reply);
  }

  /** A message delivered to the client on {@code address}. */
  public static Buffer rec(String address, Object body) {
    return new JsonObject().put("type", "rec").put("address", address).put("body", body).toBuffer();
  }

  /**
   * A channel message in its short form, {@code {"address", "body": [seq, data, from?, traceId?]}}:
   * what a subscriber needs per message to order, recover and trace it. The channel is the
   * address, and the epoch was in the message's long form ({@link #rec}), which a connection gets
   * first on each subscription and whenever the epoch changes. No {@code type}: the official client
   * takes every frame that is not an {@code err} as a message, and this is the frame sent most.
   * {@code from} is null in the array only when a trace id follows it.
   *
   * @param message the channel message of docs/protocol.md, as the bus carries it
   */
  public static Buffer channelMessage(String address, JsonObject message) {
    JsonArray body = new JsonArray(new ArrayList<>(4)).add(message.getValue("seq")).add(message.getValue("data"));
    String from = message.getString("from");
    String traceId = message.getString("traceId");
    if (from != null || traceId != null) {
      body.add(from);
    }
    if (traceId != null) {
      body.add(traceId);
    }
    return new JsonObject().put("address", address).put("body", body).toBuffer();
  }

  /**
   * A channel message in its delta form, {@code {"address", "delta": true, "body": [seq, patch,
   * from?, traceId?]}}: the short form ({@link #channelMessage}) with {@code data} replaced by a
   * JSON Patch (RFC 6902) that turns the data of message {@code seq - 1} of the channel into this
   * one's (docs/protocol.md, "Delta compression").
   *
   * @param patch the patch, an encoded JSON array
   */
  public static Buffer channelDelta(String address, JsonObject message, byte[] patch) {
    String from = message.getString("from");
    String traceId = message.getString("traceId");
    Buffer b = Buffer.buffer(patch.length + address.length() + 64)
        .appendString("{\"address\":").appendString(io.vertx.core.json.Json.encode(address))
        .appendString(",\"delta\":true,\"body\":[").appendString(io.vertx.core.json.Json.encode(message.getValue("seq")))
        .appendString(",").appendBytes(patch);
    if (from != null || traceId != null) {
      b.appendString(",").appendString(io.vertx.core.json.Json.encode(from));
    }
    if (traceId != null) {
      b.appendString(",").appendString(io.vertx.core.json.Json.encode(traceId));
    }
    return b.appendString("]}");
  }

  /** A failure tied to an address: the client calls that address's handler or reply callback with it. */
  public static Buffer err(String address, ReplyException e) {
    return new JsonObject().put("type", "err").put("address", address)
        .put("failureCode", e.failureCode()).put("failureType", e.failureType().name())
        .put("message", e.getMessage()).toBuffer();
  }

  /** {@code frame} refused: the err goes to its reply address if it has one, else to its address. */
  public static Buffer refusal(Frame frame, ReplyException e) {
    return err(frame.replyAddress() != null ? frame.replyAddress() : frame.address(), e);
  }

  /**
   * The last frame of a connection the server closes: {@code {"type":"err","body":"closed",
   * "failureCode":code,"message":reason}}. SockJS transports cannot carry a close code of their
   * own (the client always sees 3000), so every transport gets this first.
   */
  public static Buffer closing(int code, String reason) {
    return closingJson(code, reason).toBuffer();
  }

  /** The same, telling the client to wait {@code retryAfterMs} before it reconnects (a busy or draining node spreading its clients). */
  public static Buffer closing(int code, String reason, long retryAfterMs) {
    return closingJson(code, reason).put("retryAfterMs", retryAfterMs).toBuffer();
  }

  private static JsonObject closingJson(int code, String reason) {
    return new JsonObject().put("type", "err").put("body", "closed").put("failureCode", code).put("message", reason);
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
