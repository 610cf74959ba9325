package dev.herald.protocol.message;

import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Names;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What Herald asks a backend and what it reads back (docs/protocol.md, "Backend proxies"): the
 * request records, sent by the gateway to the proxy service on the bus and POSTed by it as they
 * are, and {@link #answer}, the one reading of a backend's answer, which trusts nothing in it.
 */
public final class ProxyCalls {

  /** The longest refusal message passed on from a backend to a client. */
  public static final int MAX_MESSAGE = 200;

  private ProxyCalls() {
  }

  /** Who is asking: the connection (null before it exists), the peer's address, the transport. */
  public record Client(String connId, String remoteAddress, String transport, String userAgent) {
    public JsonObject toJson() {
      return new JsonObject().put("connId", connId).put("remoteAddress", remoteAddress).put("transport", transport).put("userAgent", userAgent);
    }

    static Client fromJson(JsonObject j) {
      return j == null ? new Client(null, null, null, null)
          : new Client(j.getString("connId"), j.getString("remoteAddress"), j.getString("transport"), j.getString("userAgent"));
    }
  }

  /** A connection without a token: {@code {"client", "headers"}}, the headers the config passes on. */
  public record Connect(Client client, Map<String, String> headers) {
    public JsonObject toJson() {
      return new JsonObject().put("client", client.toJson()).put("headers", new JsonObject(Map.copyOf(headers)));
    }

    public static Connect fromJson(JsonObject j) {
      Map<String, String> headers = new java.util.TreeMap<>();
      j.getJsonObject("headers", new JsonObject()).forEach(e -> headers.put(e.getKey(), String.valueOf(e.getValue())));
      return new Connect(Client.fromJson(j.getJsonObject("client")), headers);
    }
  }

  /** A subscription the token does not grant: {@code {"user", "channel", "client"}}. */
  public record Subscribe(String user, String channel, Client client) {
    public JsonObject toJson() {
      return new JsonObject().put("user", user).put("channel", channel).put("client", client.toJson());
    }

    public static Subscribe fromJson(JsonObject j) {
      return new Subscribe(j.getString("user"), j.getString("channel"), Client.fromJson(j.getJsonObject("client")));
    }
  }

  /** A client's publish, before it is stored: {@code {"user", "channel", "data", "client"}}. */
  public record Publication(String user, String channel, Object data, Client client) {
    public JsonObject toJson() {
      return new JsonObject().put("user", user).put("channel", channel).put("data", data).put("client", client.toJson());
    }

    public static Publication fromJson(JsonObject j) {
      return new Publication(j.getString("user"), j.getString("channel"), j.getValue("data"), Client.fromJson(j.getJsonObject("client")));
    }
  }

  /** A proxied connection about to end: {@code {"user", "expireAt", "client"}}; the result's {@code expireAt} (seconds) extends it. */
  public record Refresh(String user, long expireAt, Client client) {
    public JsonObject toJson() {
      return new JsonObject().put("user", user).put("expireAt", expireAt).put("client", client.toJson());
    }

    /** The new end (seconds), later than the old one. @throws ReplyException 5030 when the result says no valid later time */
    public static long extendedTo(JsonObject result, long current) {
      if (!(result.getValue("expireAt") instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() <= current) {
        throw invalid("result.expireAt must be a time in seconds after the connection's current end");
      }
      return n.longValue();
    }
  }

  /** A client's call: {@code {"user", "method", "data", "client"}}; {@code method} 1-64 of {@code [A-Za-z0-9_.:-]}. */
  public record Rpc(String user, String method, Object data, Client client) {

    /** @throws ReplyException 400 {@code bad_request}: what a client sent to {@code rt.rpc} is not {@code {"method", "data"?}} */
    public static Rpc fromClient(Object body, String user, Client client) {
      if (!(body instanceof JsonObject b) || !(b.getValue("method") instanceof String m) || !Names.isMessageId(m)) {
        throw ErrorCode.BAD_REQUEST.exception("body must be {\"method\": 1-" + Names.MAX_MESSAGE_ID + " characters of [A-Za-z0-9_.:-], \"data\"?}");
      }
      return new Rpc(user, m, b.getValue("data"), client);
    }

    public JsonObject toJson() {
      return new JsonObject().put("user", user).put("method", method).put("data", data).put("client", client.toJson());
    }
  }

  /**
   * What a connect proxy grants: the user, and what a token would say (docs/protocol.md): when
   * the connection expires, the channels it may read and publish to, whom it may watch, the
   * channels the server subscribes it to, and data for the client.
   */
  public record Granted(String user, Long expireAt, List<String> channels, List<String> publish, List<String> watch, List<String> subscribe, Object data) {

    /** The grant as token claims (what {@code Principal.fromClaims} reads). */
    public JsonObject claims(long nowSeconds, long defaultTtlSeconds) {
      JsonObject c = new JsonObject().put("sub", user).put("exp", expireAt != null ? expireAt : nowSeconds + defaultTtlSeconds);
      if (channels != null) {
        c.put("channels", new JsonArray(new ArrayList<>(channels)));
      }
      if (publish != null) {
        c.put("publish", new JsonArray(new ArrayList<>(publish)));
      }
      if (watch != null) {
        c.put("watch", new JsonArray(new ArrayList<>(watch)));
      }
      if (subscribe != null) {
        c.put("subscribe", new JsonArray(new ArrayList<>(subscribe)));
      }
      return c;
    }

    /** @throws ReplyException 5030 when the backend's result is not a grant (no valid user, a field of the wrong type) */
    public static Granted fromResult(JsonObject result) {
      Object user = result.getValue("user");
      if (!(user instanceof String u) || !Names.isUserId(u)) {
        throw invalid("result.user must be a user id (1-" + Names.MAX_USER_ID + " characters of [A-Za-z0-9_.@:-])");
      }
      Object exp = result.getValue("expireAt");
      if (exp != null && !(exp instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.longValue() > 0)) {
        throw invalid("result.expireAt must be a time in seconds");
      }
      return new Granted(u, exp == null ? null : ((Number) exp).longValue(), names(result, "channels"), names(result, "publish"),
          names(result, "watch"), channelList(result), result.getValue("data"));
    }

    private static List<String> names(JsonObject r, String key) {
      Object v = r.getValue(key);
      if (v == null) {
        return null;
      }
      if (!(v instanceof JsonArray a) || a.size() > 1000) {
        throw invalid("result." + key + " must be a list of at most 1000 patterns");
      }
      List<String> out = new ArrayList<>();
      for (Object o : a) {
        if (!(o instanceof String s) || s.isEmpty() || s.length() > Names.MAX_CHANNEL + 10) {
          throw invalid("result." + key + " must be a list of patterns");
        }
        out.add(s);
      }
      return out;
    }

    private static List<String> channelList(JsonObject r) {
      List<String> subs = names(r, "subscribe");
      if (subs != null && !subs.stream().allMatch(Names::isChannel)) {
        throw invalid("result.subscribe must be a list of channel names");
      }
      return subs;
    }
  }

  /**
   * A backend's answer, read without trusting it: a 2xx status and a JSON object of at most the
   * bytes already checked, holding {@code "result": {...}} (returned) or {@code "error": {"code":
   * 4000-4999, "message"}} (thrown as that code and message, cut to {@value #MAX_MESSAGE}
   * characters). Anything else is the backend failing: 5030 {@code unavailable}, saying what.
   */
  public static JsonObject answer(int status, String body) {
    if (status / 100 != 2) {
      throw invalid("it answered HTTP " + status);
    }
    JsonObject j;
    try {
      j = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw invalid("its answer is not a JSON object");
    }
    if (j.getValue("error") instanceof JsonObject err) {
      Object code = err.getValue("code");
      int c = code instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.intValue() >= 4000 && n.intValue() <= 4999
          ? n.intValue() : ErrorCode.FORBIDDEN.code;
      String message = err.getValue("message") instanceof String m ? clean(m) : "refused by the backend";
      throw new ReplyException(ReplyFailure.RECIPIENT_FAILURE, c, message);
    }
    if (j.getValue("result") instanceof JsonObject result) {
      return result;
    }
    throw invalid("its answer has neither a \"result\" nor an \"error\" object");
  }

  private static String clean(String m) {
    StringBuilder b = new StringBuilder();
    m.codePoints().limit(MAX_MESSAGE).forEach(cp -> b.appendCodePoint(Character.isISOControl(cp) ? ' ' : cp));
    return b.toString();
  }

  /** The backend failed (down, slow, or an answer that is not one): 5030, retry later. */
  public static ReplyException invalid(String why) {
    return ErrorCode.UNAVAILABLE.exception("the backend failed: " + why);
  }
}
