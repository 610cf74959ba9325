package dev.herald.gateway.api;

import dev.herald.config.HttpConfig;
import dev.herald.gateway.edge.Bodies;
import dev.herald.gateway.edge.EdgeTokens;
import dev.herald.gateway.edge.Responses;
import dev.herald.protocol.ErrorCode;
import dev.herald.token.Principal;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.BiConsumer;

/**
 * The admin console at {@code /admin}, for service tokens only: nothing of it is served without
 * one. {@code POST /admin/login} takes a token (form field {@code token}), checks it has role
 * {@code service} and keeps it in an HttpOnly, SameSite=Strict cookie scoped to {@code /admin};
 * each request under {@code /admin} checks it again (expiry, revocation). The console then reads
 * its token from {@code /admin/session} and works through Herald's own bridge
 * ({@code rt.admin.*}) and HTTP API, like any backend. Without a valid cookie: {@code /admin}
 * is the login form (401), anything else under it a 401 error.
 */
public final class AdminPage {

  static final String COOKIE = "herald_admin";
  private static final String BASE = "/admin";
  private static final int MAX_LOGIN_BYTES = 16 * 1024;
  /** The console's files: same-origin only, never framed, never cached, no referrer. */
  private static final String CSP = "default-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private final EdgeTokens tokens;
  private final HttpConfig http;
  private final String loginPage;
  /** The login page's own: its one inline style block allowed by its hash, as it cannot load the console's stylesheet. */
  private final String loginCsp;
  private final Buffer console;
  private final Buffer script;
  private final Buffer style;

  public AdminPage(EdgeTokens tokens, HttpConfig http) {
    this.tokens = tokens;
    this.http = http;
    this.loginPage = load("admin/login.html").toString();
    String style = loginPage.substring(loginPage.indexOf("<style>") + "<style>".length(), loginPage.indexOf("</style>"));
    this.loginCsp = CSP + "; style-src 'sha256-" + sha256(style) + "'";
    this.console = load("admin/console.html");
    this.script = load("admin/console.js");
    this.style = load("admin/console.css");
  }

  public void mount(Router router) {
    router.get(BASE).handler(ctx -> signedIn(ctx, (p, token) -> send(ctx, 200, "text/html; charset=utf-8", console), true));
    router.get(BASE + "/console.js").handler(ctx -> signedIn(ctx, (p, token) -> send(ctx, 200, "text/javascript; charset=utf-8", script), false));
    router.get(BASE + "/console.css").handler(ctx -> signedIn(ctx, (p, token) -> send(ctx, 200, "text/css; charset=utf-8", style), false));
    router.get(BASE + "/session").handler(ctx -> signedIn(ctx, (p, token) -> {
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
      Responses.json(ctx, 200, new JsonObject().put("token", token).put("userId", p.userId()).put("exp", p.exp()));
    }, false));
    router.post(BASE + "/*").handler(AdminPage::sameOrigin);
    Bodies.on(router.post(BASE + "/login"), MAX_LOGIN_BYTES, http).handler(this::login);
    router.post(BASE + "/logout").handler(ctx -> {
      ctx.response().addCookie(cookie(ctx, "").setMaxAge(0));
      ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, BASE).end();
    });
  }

  /**
   * The console's forms post only from its own page: a POST a browser marks {@code Sec-Fetch-Site}
   * other than {@code same-origin} (or, without that header, whose {@code Origin} is another's) is refused 403, so no other page
   * can sign a browser in with the attacker's token or out of its own (login and logout CSRF; the
   * cookie itself is SameSite=Strict).
   */
  private static void sameOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    String host = ctx.request().getHeader(HttpHeaders.HOST);
    // a browser that sends Sec-Fetch-Site says where the request came from; the console's pages are
    // no-referrer, for which Chromium sends "Origin: null" on its own form's POST
    String site = ctx.request().getHeader("Sec-Fetch-Site");
    boolean foreign = site != null ? !("same-origin".equals(site) || "none".equals(site))
        : origin != null && (host == null || !(origin.equals("http://" + host) || origin.equals("https://" + host)));
    if (foreign) {
      Responses.error(ctx, ErrorCode.FORBIDDEN.exception("the console's forms post from its own page only (Origin " + origin + ")"));
    } else {
      ctx.next();
    }
  }

  /** Runs {@code then} with the cookie's principal and token when it is a valid service token; else the login form or a 401. */
  private void signedIn(RoutingContext ctx, BiConsumer<Principal, String> then, boolean page) {
    Cookie c = ctx.request().getCookie(COOKIE);
    if (c == null || c.getValue().isEmpty()) {
      refuse(ctx, page, ErrorCode.UNAUTHORIZED.exception("sign in with a service token at " + BASE));
      return;
    }
    String token = c.getValue();
    serviceToken(ctx, token).onComplete(ar -> {
      if (ar.succeeded()) {
        then.accept(ar.result(), token);
      } else {
        refuse(ctx, page, ErrorCode.asReply(ar.cause()));
      }
    });
  }

  private Future<Principal> serviceToken(RoutingContext ctx, String token) {
    return tokens.check(ctx, token, false).compose(p -> p.isService() ? Future.succeededFuture(p)
        : Future.failedFuture(ErrorCode.FORBIDDEN.exception("the admin console needs a token with role \"service\"")));
  }

  private void login(RoutingContext ctx) {
    String token = ctx.request().getFormAttribute("token");
    if (token == null || token.isBlank()) {
      refuse(ctx, true, ErrorCode.BAD_REQUEST.exception("paste a service token"));
      return;
    }
    serviceToken(ctx, token.strip()).onComplete(ar -> {
      if (ar.failed()) {
        refuse(ctx, true, ErrorCode.asReply(ar.cause()));
        return;
      }
      long ttl = ar.result().exp() - System.currentTimeMillis() / 1000;
      ctx.response().addCookie(cookie(ctx, token.strip()).setMaxAge(Math.max(1, ttl)));
      ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, BASE).end();
    });
  }

  private static Cookie cookie(RoutingContext ctx, String value) {
    // Secure where the browser reached us over TLS (directly, or at the proxy in front)
    boolean tls = ctx.request().isSSL() || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
    return Cookie.cookie(COOKIE, value).setPath(BASE).setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setSecure(tls);
  }

  /** The login form with why (for the page itself), or the JSON error (for its files and the session). */
  private void refuse(RoutingContext ctx, boolean page, ReplyException why) {
    if (!page) {
      Responses.error(ctx, why);
      return;
    }
    int status = ErrorCode.of(why.failureCode()).httpStatus;
    String html = loginPage.replace("<!--reason-->", escape(why.getMessage()));
    send(ctx, status, "text/html; charset=utf-8", Buffer.buffer(html), loginCsp);
  }

  private static void send(RoutingContext ctx, int status, String type, Buffer body) {
    send(ctx, status, type, body, CSP);
  }

  private static void send(RoutingContext ctx, int status, String type, Buffer body, String csp) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, type)
        .putHeader("Content-Security-Policy", csp)
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
  }

  private static String sha256(String s) {
    try {
      return java.util.Base64.getEncoder().encodeToString(
          java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Buffer load(String resource) {
    try (InputStream in = AdminPage.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the jar");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
