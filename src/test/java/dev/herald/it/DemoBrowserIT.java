package dev.herald.it;

import io.vertx.core.json.JsonObject;
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

/**
 * The demo page in a real browser (Debian's Chromium through playwright-core) against a node
 * process, which the test restarts halfway. Screenshots land in {@code target/demo.png} (wide) and
 * {@code target/demo-narrow.png} (420 px).
 */
class DemoBrowserIT {

  @TempDir
  static Path dir;
  private static Process herald;
  private static int port;
  private static Path confFile;

  @BeforeAll
  static void start() throws Exception {
    assertTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "Chromium is missing: scripts/test.sh installs it (apt-get install chromium)");
    port = TestNodes.freePort();
    int hz = TestNodes.freePort();
    // no JWT secret: dev tokens are signed with a random one, new at each start
    JsonObject conf = new JsonObject()
        .put("http", new JsonObject().put("port", port).put("host", "127.0.0.1"))
        .put("cluster", new JsonObject().put("port", hz))
        .put("auth", new JsonObject().put("devTokens", true));
    confFile = dir.resolve("demo.json");
    Files.writeString(confFile, conf.encode());
    startHerald();
  }

  private static void startHerald() throws Exception {
    herald = new ProcessBuilder(JarProcessIT.nodeCommand("-jar", JarProcessIT.JAR.toString(), "-conf", confFile.toString()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("herald.log").toFile())).start();
    JarProcessIT.awaitReady(port, herald, dir.resolve("herald.log"));
  }

  @AfterAll
  static void stop() throws Exception {
    herald.destroy();
    herald.waitFor(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a dev node logs a service token for its admin console, and only the log has it: it signs in at /admin")
  void devAdminToken() throws Exception {
    // logged right after the node is ready (JSON lines: the URL's slashes may come escaped); the
    // last one is the running node's (the other test restarts it)
    java.util.regex.Pattern line = java.util.regex.Pattern.compile(
        "admin console: http:\\\\?/\\\\?/localhost:" + port + "\\\\?/admin, sign in with this service token \\(this run only, 12 h\\): ([A-Za-z0-9_.-]+)");
    Eventually.eventually(java.time.Duration.ofSeconds(10), "the log names the console and its token",
        () -> line.matcher(Files.readString(dir.resolve("herald.log"))).find());
    java.util.regex.Matcher m = line.matcher(Files.readString(dir.resolve("herald.log")));
    String token = null;
    while (m.find()) {
      token = m.group(1);
    }
    java.net.http.HttpResponse<String> r = AdminIT.login(port, token);
    assertEquals(303, r.statusCode(), r.body());
  }

  @Test
  @DisplayName("two users in two pages: nothing usable before joining, status, chat, name and history kept over a reload, polling slower than push, "
      + "a node restart announced as lost history with new messages shown and polling resumed, one column at 420 px, Leave, AA contrast, no console errors")
  void demo() throws Exception {
    Process js = new ProcessBuilder("node", JarProcessIT.ROOT.resolve("src/test/js/demo-browser.js").toString(),
        "http://127.0.0.1:" + port, JarProcessIT.ROOT.resolve("target/demo").toString()).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(js.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        out.append(line).append('\n');
        if (line.equals("RESTART")) {
          herald.destroy();
          assertTrue(herald.waitFor(30, TimeUnit.SECONDS), "the node stops on SIGTERM");
          startHerald();
        }
      }
    }
    assertTrue(js.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, js.exitValue(), out.toString());
    assertTrue(out.toString().contains("PASS"), out.toString());
    System.out.println(out);
  }
}
