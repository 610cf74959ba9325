package dev.herald.it;

import dev.herald.token.Rights;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A node's HTTP side as the abuse tests call it: any request, the HTTP API with a service token,
 * a series of {@code /metrics} (with {@code http.metricsToken} when the node has one), a user's status.
 */
final class NodeHttp {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  static final String SERVICE = Rights.service().token("ops");

  private final IntSupplier port;
  private final String metricsToken;

  NodeHttp(int port, String metricsToken) {
    this(() -> port, metricsToken);
  }

  /** With the port asked at each call (see {@link TestNodes#http}). */
  NodeHttp(IntSupplier port, String metricsToken) {
    this.port = port;
    this.metricsToken = metricsToken;
  }

  /** The path of a new SockJS session ({@code /eventbus/000/<id>/}), to which a transport's name is added. */
  static String newSession() {
    return "/eventbus/000/" + UUID.randomUUID().toString().replace("-", "") + "/";
  }

  HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    HttpRequest request = b.build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      // the node closes a connection idle for http.requestTimeoutSeconds; a request the client
      // sent on it as it closed was never read, and gets no answer: once more, on a new one
      if (e.getMessage() == null || !e.getMessage().contains("received no bytes")) {
        throw e;
      }
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
  }

  /** Opens a new SockJS session over xhr polling with {@code token}, checking its open frame; the session's path. */
  String openSession(String token) throws Exception {
    String session = newSession();
    assertEquals("o\n", call("POST", session + "xhr?token=" + token, "").body(), "the open frame of " + session);
    return session;
  }

  HttpResponse<String> service(String method, String path, String body) throws Exception {
    return call(method, path, body, "Authorization", "Bearer " + SERVICE, "Content-Type", "application/json");
  }

  /** The sum of a series' lines whose labels hold {@code label} ("" for all). */
  double metric(String name, String label) throws Exception {
    String text = metricsToken == null ? call("GET", "/metrics", null).body()
        : call("GET", "/metrics", null, "Authorization", "Bearer " + metricsToken).body();
    return MetricsText.sum(text, name, label);
  }

  String status(String user) throws Exception {
    return new JsonObject(service("GET", "/api/v1/presence/" + user, null).body()).getString("status");
  }
}
