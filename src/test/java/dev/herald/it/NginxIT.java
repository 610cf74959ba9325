package dev.herald.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** conf/nginx.example.conf in front of a 3-node cluster: a client reconnects through it to a surviving node. */
class NginxIT {

  @TempDir
  static Path dir;
  private static Process nginx;
  private static int port;
  private static ScriptCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    assertTrue(Files.isExecutable(Path.of("/usr/sbin/nginx")), "nginx is missing: scripts/test.sh installs it (apt-get install nginx)");
    cluster = new ScriptCluster(dir.resolve("cluster"));
    cluster.full();
    port = TestNodes.freePort();
    String conf = Files.readString(JarProcessIT.ROOT.resolve("conf/nginx.example.conf")).replace("listen 8090;", "listen 127.0.0.1:" + port + ";");
    Path prefix = dir.resolve("nginx");
    Files.createDirectories(prefix);
    Files.writeString(prefix.resolve("nginx.conf"), conf);
    nginx = new ProcessBuilder("/usr/sbin/nginx", "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString(), "-g", "daemon off;")
        .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.log").toFile()).start();
    JarProcessIT.awaitReady(port, nginx, dir.resolve("nginx.log"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (nginx != null) {
      nginx.destroy();
      nginx.waitFor(10, TimeUnit.SECONDS);
    }
    cluster.stop("nginx");
  }

  @Test
  @DisplayName("a client connected through nginx reconnects through it to a surviving node after its node is killed")
  void failover() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("node", JarProcessIT.ROOT.resolve("src/test/js/nginx-failover.js").toString(), "http://127.0.0.1:" + port)
        .redirectErrorStream(true);
    // the local cluster's conf files (conf/cluster-node-*.json) share this dev secret
    pb.environment().put("HERALD_TEST_SECRET", "local-cluster-dev-secret-not-for-production-use");
    Process js = pb.start();
    StringBuilder out = new StringBuilder();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(js.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        out.append(line).append('\n');
        if (line.startsWith("KILL node-")) {
          cluster.run("kill", line.substring("KILL node-".length()));
        }
      }
    }
    assertTrue(js.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, js.exitValue(), out.toString() + "\nnginx log:\n" + Files.readString(dir.resolve("nginx.log")));
    assertTrue(out.toString().contains("PASS"), out.toString());
    System.out.println(out);
  }

  @Test
  @DisplayName("a Server-Sent Events stream through nginx: each event passes at once (not buffered), resumed through it with Last-Event-ID")
  void serverSentEvents() throws Exception {
    String secret = "local-cluster-dev-secret-not-for-production-use";
    String token = dev.herald.token.TestTokens.hs256(secret, dev.herald.token.Rights.read("nginx.sse").claims("sse-via-nginx"));
    String service = dev.herald.token.TestTokens.hs256(secret, dev.herald.token.Rights.service().claims("nginx-ops"));
    NodeHttp http = new NodeHttp(port, null);
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + port + "/eventbus/sse?token=" + token + "&channel=nginx.sse");
    String lastId;
    try (SseIT.Stream s = new SseIT.Stream(client.send(java.net.http.HttpRequest.newBuilder(uri).build(),
        java.net.http.HttpResponse.BodyHandlers.ofInputStream()))) {
      assertEquals(200, s.status, s.body);
      s.next("ready");
      assertEquals(201, http.call("POST", "/api/v1/channels/nginx.sse/messages", "{\"data\":1}", "Authorization", "Bearer " + service,
          "Content-Type", "application/json").statusCode());
      lastId = s.next("message").id(); // a buffering proxy would hold it until its buffer filled
    }
    assertEquals(201, http.call("POST", "/api/v1/channels/nginx.sse/messages", "{\"data\":2}", "Authorization", "Bearer " + service,
        "Content-Type", "application/json").statusCode());
    try (SseIT.Stream s = new SseIT.Stream(client.send(java.net.http.HttpRequest.newBuilder(uri).header("Last-Event-ID", lastId).build(),
        java.net.http.HttpResponse.BodyHandlers.ofInputStream()))) {
      assertEquals(2, s.next("message").json().getInteger("data"));
      assertEquals(Boolean.TRUE, s.next("recovered").json().getBoolean("recovered"));
    }
  }
}
