package dev.herald.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeraldConfigTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  @Test
  @DisplayName("the embedded default is a dev node on 8080 in a one-member loopback cluster on 5801 (scripts/cluster.sh's are 8081-8083, 5701-5703)")
  void embeddedDefault() {
    HeraldConfig c = HeraldConfig.load(null, Map.of());
    assertEquals(8080, c.http().port());
    assertTrue(c.auth().devTokens());
    assertEquals(5801, c.cluster().port());
    assertEquals(List.of("127.0.0.1:5801"), c.cluster().members());
    assertEquals(1, c.cluster().quorum(), "one member: no split-brain protection");
    assertEquals(1, c.roles().instances(Role.GATEWAY));
    assertEquals(1, c.roles().instances(Role.AUTH));
    assertEquals(1, c.roles().instances(Role.PRESENCE));
    assertEquals(0, c.roles().instances(Role.WEBHOOK));
  }

  @Test
  @DisplayName("environment variables win over the file")
  void envWins() {
    JsonObject file = new JsonObject().put("http", new JsonObject().put("port", 9000))
        .put("auth", new JsonObject().put("jwt", new JsonObject().put("secret", "x".repeat(40))));
    HeraldConfig c = HeraldConfig.fromJson(HeraldConfig.applyEnv(file, Map.of(
        "HERALD_HTTP_PORT", "9100", "HERALD_JWT_SECRET", SECRET,
        "HERALD_CLUSTER_PORT", "5799", "HERALD_CLUSTER_MEMBERS", "10.0.0.1:5701, 10.0.0.2:5701", "HERALD_CLUSTER_HOST", "10.0.0.7")));
    assertEquals(9100, c.http().port());
    assertEquals(SECRET, c.auth().jwt().secret());
    assertEquals(5799, c.cluster().port());
    assertEquals("10.0.0.7", c.cluster().host());
    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701"), c.cluster().members());
    assertEquals(1, c.cluster().quorum(), "two members cannot lose one and keep a majority: off");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @DisplayName("a wrong value stops the node with a message naming the key")
  @CsvSource(delimiter = '|', value = {
      "{\"auth\":{\"jwt\":{\"secret\":\"short\"}}}|auth.jwt.secret must be at least 32 bytes",
      "{\"auth\":{\"devTokens\":false}}|auth.jwt.secret (HS256) or auth.jwt.publicKey (RS256/ES256) is required",
      "{\"auth\":{\"devTokens\":true,\"jwt\":{\"algorithm\":\"HS512\"}}}|auth.jwt.algorithm must be HS256, RS256 or ES256",
      "{\"auth\":{\"devTokens\":true,\"jwt\":{\"algorithm\":\"RS256\",\"publicKey\":\"nope\"}}}|auth.jwt.publicKey must be a PEM public key",
      "{\"http\":{\"port\":70000}}|http.port must be between 0 and 65535",
      "{\"http\":{\"port\":\"80\"}}|http.port must be an integer",
      "{\"http\":{\"prot\":80}}|http.prot is not a known setting",
      "{\"cluster\":{\"members\":[\"nohost\"]}}|cluster.members entries must be host:port",
      "{\"cluster\":{\"members\":[]}}|cluster.members must list at least one host:port",
      "{\"roles\":{\"gateway\":0}}|roles must deploy at least one verticle",
      "{\"roles\":{\"gatway\":1}}|roles.gatway is not a known setting",
      "{\"heartbeat\":{\"timeoutSeconds\":0}}|heartbeat.timeoutSeconds must be between",
      "{\"node\":{\"name\":\"has space\"}}|node.name must be",
      "{\"http\":[]}|http must be an object",
      "{\"colour\":{}}|colour is not a known setting",
  })
  void namesTheKey(String json, String message) {
    JsonObject base = new JsonObject().put("auth", new JsonObject().put("devTokens", true));
    JsonObject conf = base.mergeIn(new JsonObject(json), true);
    ConfigException e = assertThrows(ConfigException.class, () -> HeraldConfig.fromJson(conf));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }

  @Test
  @DisplayName("a port in the environment that is not a number names the variable")
  void badEnvPort() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> HeraldConfig.applyEnv(new JsonObject(), Map.of("HERALD_HTTP_PORT", "eighty")));
    assertEquals("HERALD_HTTP_PORT must be a port number 0-65535 (was 'eighty')", e.getMessage());
  }

  @Test
  @DisplayName("a conf file that is missing or not JSON is named in the error")
  void unreadableFile() {
    assertTrue(assertThrows(ConfigException.class, () -> HeraldConfig.load("/nonexistent/x.json", Map.of()))
        .getMessage().contains("/nonexistent/x.json does not exist"));
  }

  @Test
  @DisplayName("the Origin allowlist lets through listed origins and clients that send none")
  void origins() {
    HttpConfig h = HeraldConfig.fromJson(new JsonObject()
        .put("auth", new JsonObject().put("devTokens", true))
        .put("http", new JsonObject().put("allowedOrigins", List.of("https://app.example.com")))).http();
    assertTrue(h.originAllowed("https://app.example.com"));
    assertTrue(h.originAllowed(null));
    assertFalse(h.originAllowed("https://evil.example.com"));
  }

  @Test
  @DisplayName("the shipped conf files are valid, and production has no dev tokens")
  void shippedConfs() {
    for (int i = 1; i <= 3; i++) {
      HeraldConfig c = HeraldConfig.load("conf/cluster-node-" + i + ".json", Map.of());
      assertEquals(8080 + i, c.http().port());
      assertEquals(5700 + i, c.cluster().port());
      assertEquals(3, c.cluster().members().size());
      assertEquals(2, c.cluster().quorum(), "a majority of the three members");
    }
    HeraldConfig prod = HeraldConfig.load("conf/production.example.json", Map.of());
    assertFalse(prod.auth().devTokens());
    assertEquals("RS256", prod.auth().jwt().algorithm());
    assertNull(prod.auth().jwt().secret());
    assertEquals("herald", prod.auth().jwt().audience());
  }

  @org.junit.jupiter.api.Test
  @DisplayName("attack: a real secret from the environment with the embedded dev config is refused, so /dev/token cannot sign real tokens")
  void devTokensNeverWithEnvironmentSecret() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> HeraldConfig.load(null, Map.of("HERALD_JWT_SECRET", "a-real-production-secret-0123456789abcdef")));
    assertTrue(e.getMessage().startsWith("HERALD_JWT_SECRET is set but auth.devTokens is on"), e.getMessage());
    // the same secret with dev tokens off is a production node
    assertFalse(HeraldConfig.fromJson(HeraldConfig.applyEnv(new JsonObject().put("auth", new JsonObject().put("devTokens", false)),
        Map.of("HERALD_JWT_SECRET", "a-real-production-secret-0123456789abcdef"))).auth().devTokens());
  }

  @org.junit.jupiter.api.Test
  @DisplayName("the cluster secret comes from HERALD_CLUSTER_SECRET and must be long enough")
  void clusterSecret() {
    JsonObject base = new JsonObject().put("auth", new JsonObject().put("devTokens", true));
    assertEquals("0123456789abcdefXYZ", HeraldConfig.fromJson(HeraldConfig.applyEnv(base, Map.of("HERALD_CLUSTER_SECRET", "0123456789abcdefXYZ")))
        .cluster().secret());
    assertThrows(ConfigException.class, () -> HeraldConfig.fromJson(HeraldConfig.applyEnv(base, Map.of("HERALD_CLUSTER_SECRET", "short"))));
  }

  @org.junit.jupiter.api.Test
  @DisplayName("nodes started from the same config get different names: the host name and the HTTP port")
  void defaultNodeNames() {
    assertEquals("web-7f9c-8080", NodeConfig.defaultName("web-7f9c", 8080));
    assertEquals("a-b-8081", NodeConfig.defaultName("a b", 8081));
    assertTrue(NodeConfig.defaultName("x".repeat(100), 8080).length() <= 64);
    new NodeConfig(NodeConfig.defaultName(null, 8080)); // the machine's own name is made valid
  }
}
