package dev.herald.example;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A backend for Herald's proxies (Herald's docs/protocol.md, "Backend proxies"), small enough to
 * read in one sitting: the decisions a token cannot carry, made here.
 * <ul>
 *   <li>{@code POST /login {"user"}} sets a signed session cookie (a real app checks a password);</li>
 *   <li>{@code POST /herald/connect}: the user of that cookie, allowed {@code lobby.*} and to watch everyone;</li>
 *   <li>{@code POST /rooms/<room>/join {"user"}} lets a user into a room; {@code POST /herald/subscribe}
 *       grants {@code room.<room>} to its members only;</li>
 *   <li>{@code POST /herald/publish}: messages to {@code room.*} checked (a banned word is refused)
 *       and stamped with the backend's time;</li>
 *   <li>{@code POST /herald/rpc}: {@code time} answers the backend's clock, {@code rooms} the user's rooms,
 *       {@code join {"room"}} lets the caller into a room (not the invite-only {@code vip}).</li>
 * </ul>
 * Every {@code /herald/*} call must carry {@code X-Herald-Signature: sha256=<hex HMAC-SHA256 of the
 * body with proxy.secret>} when the backend is given that secret: anyone else reaching the port is
 * refused 401. Run it with {@code java -jar target/herald-example-backend.jar [port] [cookie-secret] [proxy-secret]}.
 */
public final class Backend {

  public static final String COOKIE = "herald_example_session";
  private static final Set<String> BANNED = Set.of("spam");
  private static final Set<String> INVITE_ONLY = Set.of("vip");

  private final byte[] secret;
  private final byte[] proxySecret;
  private final Map<String, Set<String>> rooms = new ConcurrentHashMap<>();

  public Backend(String secret, String proxySecret) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.proxySecret = proxySecret == null ? null : proxySecret.getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
    String secret = args.length > 1 ? args[1] : "change-me-change-me-change-me-0123";
    Vertx vertx = Vertx.vertx();
    new Backend(secret, args.length > 2 ? args[2] : null).listen(vertx, port).onSuccess(s -> System.out.println("reference backend on port " + s.actualPort()))
        .onFailure(e -> {
          e.printStackTrace();
          vertx.close();
        });
  }

  public Future<HttpServer> listen(Vertx vertx, int port) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));
    router.post("/login").handler(this::login);
    router.post("/rooms/:room/join").handler(this::join);
    router.post("/herald/*").handler(this::signedByHerald);
    router.post("/herald/connect").handler(this::connect);
    router.post("/herald/subscribe").handler(this::subscribe);
    router.post("/herald/publish").handler(this::publish);
    router.post("/herald/rpc").handler(this::rpc);
    return vertx.createHttpServer().requestHandler(router).listen(port);
  }

  /** Only Herald may call the proxy endpoints: its signature of the body, checked in constant time. */
  private void signedByHerald(RoutingContext ctx) {
    if (proxySecret == null) {
      ctx.next();
      return;
    }
    String given = ctx.request().getHeader("X-Herald-Signature");
    String expected = "sha256=" + java.util.HexFormat.of().formatHex(hmac(proxySecret, ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes()));
    if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
      ctx.response().setStatusCode(401).end("{\"error\":\"not signed by Herald\"}");
      return;
    }
    ctx.next();
  }

  private void login(RoutingContext ctx) {
    String user = body(ctx).getString("user", "");
    if (!user.matches("[A-Za-z0-9_.-]{1,64}")) {
      ctx.response().setStatusCode(400).end("{\"error\":\"user must be 1-64 of [A-Za-z0-9_.-]\"}");
      return;
    }
    ctx.response().addCookie(Cookie.cookie(COOKIE, sign(user)).setHttpOnly(true).setPath("/").setSameSite(io.vertx.core.http.CookieSameSite.LAX)).end(new JsonObject().put("user", user).encode());
  }

  private void join(RoutingContext ctx) {
    String user = body(ctx).getString("user", "");
    rooms.computeIfAbsent(ctx.pathParam("room"), r -> ConcurrentHashMap.newKeySet()).add(user);
    ctx.json(new JsonObject().put("room", ctx.pathParam("room")).put("user", user));
  }

  /** Herald's connect proxy: the cookie's user, or a refusal Herald passes on to the client. */
  private void connect(RoutingContext ctx) {
    String cookie = body(ctx).getJsonObject("headers", new JsonObject()).getString("cookie", "");
    String user = null;
    for (String part : cookie.split(";")) {
      String p = part.trim();
      if (p.startsWith(COOKIE + "=")) {
        user = verify(p.substring(COOKIE.length() + 1));
      }
    }
    if (user == null) {
      error(ctx, 4010, "not logged in: POST /login first");
      return;
    }
    result(ctx, new JsonObject().put("user", user).put("channels", new JsonArray().add("lobby.*")).put("watch", new JsonArray().add("*"))
        .put("publish", new JsonArray().add("lobby.*")).put("data", new JsonObject().put("greeting", "Welcome back, " + user)));
  }

  /** Herald's subscribe proxy: {@code room.<room>} only for the room's members. */
  private void subscribe(RoutingContext ctx) {
    JsonObject in = body(ctx);
    String channel = in.getString("channel", "");
    String room = channel.startsWith("room.") ? channel.substring(5) : null;
    Set<String> members = room == null ? Set.of() : rooms.getOrDefault(room, Set.of());
    if (members.contains(in.getString("user"))) {
      // data for the subscriber: Herald hands it over in rt.session's channelData
      result(ctx, new JsonObject().put("data", new JsonObject().put("topic", "Room " + room + ", " + members.size() + " member(s)")));
    } else {
      error(ctx, 4030, in.getString("user") + " is not a member of " + channel);
    }
  }

  /** Herald's publish proxy: refuse banned words, stamp the rest. */
  private void publish(RoutingContext ctx) {
    JsonObject in = body(ctx);
    Object data = in.getValue("data");
    String text = data instanceof JsonObject d ? d.getString("text", "") : String.valueOf(data);
    for (String word : BANNED) {
      if (text.toLowerCase(java.util.Locale.ROOT).contains(word)) {
        error(ctx, 4000, "\"" + word + "\" is not allowed here");
        return;
      }
    }
    JsonObject out = data instanceof JsonObject d ? d.copy() : new JsonObject().put("text", text);
    result(ctx, new JsonObject().put("data", out.put("checkedAt", System.currentTimeMillis())));
  }

  /** Herald's RPC proxy. */
  private void rpc(RoutingContext ctx) {
    JsonObject in = body(ctx);
    switch (in.getString("method", "")) {
      case "time" -> result(ctx, new JsonObject().put("now", System.currentTimeMillis()));
      case "rooms" -> {
        JsonArray mine = new JsonArray();
        rooms.forEach((room, members) -> {
          if (members.contains(in.getString("user"))) {
            mine.add(room);
          }
        });
        result(ctx, new JsonObject().put("rooms", mine));
      }
      case "join" -> {
        // the backend decides who gets into which room: here every room but the invite-only one
        Object data = in.getValue("data");
        String room = data instanceof JsonObject d ? d.getString("room", "") : "";
        if (!room.matches("[a-z0-9-]{1,32}")) {
          error(ctx, 4000, "data.room must be 1-32 of [a-z0-9-]");
        } else if (INVITE_ONLY.contains(room)) {
          error(ctx, 4030, room + " is invite-only");
        } else {
          rooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(in.getString("user"));
          result(ctx, new JsonObject().put("room", room));
        }
      }
      default -> error(ctx, 4040, "no method " + in.getString("method"));
    }
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject b = ctx.body().asJsonObject();
      return b == null ? new JsonObject() : b;
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  private static void result(RoutingContext ctx, JsonObject result) {
    ctx.json(new JsonObject().put("result", result));
  }

  private static void error(RoutingContext ctx, int code, String message) {
    ctx.json(new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)));
  }

  /** {@code user.signature}: the cookie a browser keeps and Herald passes on. */
  String sign(String user) {
    return user + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(user));
  }

  private String verify(String value) {
    int dot = value.lastIndexOf('.');
    if (dot <= 0) {
      return null;
    }
    String user = value.substring(0, dot);
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(value.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return null;
    }
    return MessageDigest.isEqual(given, mac(user)) ? user : null;
  }

  private byte[] mac(String user) {
    return hmac(secret, user.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
