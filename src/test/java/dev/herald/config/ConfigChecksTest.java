package dev.herald.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfigChecksTest {

  private static String refused(Executable build) {
    return assertThrows(ConfigException.class, build).getMessage();
  }

  private static BroadcastConfig broadcast(int historySize, int maxDataBytes, int historyMaxBytes) {
    return new BroadcastConfig(historySize, BroadcastConfig.DEFAULT_HISTORY_TTL_SECONDS, maxDataBytes, historyMaxBytes,
        BroadcastConfig.DEFAULT_HISTORY_MAX_BYTES_PER_NODE, BroadcastConfig.DEFAULT_CHANNEL_IDLE_SECONDS,
        BroadcastConfig.DEFAULT_PUBLISH_TIMEOUT_MS, BroadcastConfig.DEFAULT_IDEMPOTENCY_SECONDS);
  }

  private static ProxyConfig proxy(ProxyConfig.Endpoint connect, ProxyConfig.Endpoint subscribe) {
    return new ProxyConfig(connect, subscribe, null, null, null, ProxyConfig.DEFAULT_MAX_CONCURRENT, ProxyConfig.DEFAULT_MAX_ANSWER_BYTES,
        ProxyConfig.DEFAULT_MAX_DATA_BYTES, ProxyConfig.DEFAULT_MAX_FAILURES, ProxyConfig.DEFAULT_RESET_TIMEOUT_MS, ProxyConfig.DEFAULT_RETRY_AFTER_MS, null);
  }

  @Test
  @DisplayName("a section's record built in code checks its bounds too, naming the field")
  void topLevelBuiltDirectly() {
    assertEquals("historySize must be between 1 and 1000000 (was 0)",
        refused(() -> broadcast(0, BroadcastConfig.DEFAULT_MAX_DATA_BYTES, BroadcastConfig.DEFAULT_HISTORY_MAX_BYTES)));
    assertEquals("historyMaxBytes must be at least maxDataBytes (32768)", refused(() -> broadcast(1, 32 * 1024, 2048)));
    assertEquals("timeoutSeconds must be between 2 and 3600 (was 1)", refused(() -> new HeartbeatConfig(1, 2)));
    assertEquals("gateway must be between 0 and 64 (was 65)", refused(() -> new RolesConfig(Map.of(Role.GATEWAY, 65))));
  }

  @Test
  @DisplayName("a namespace built in code checks the numbers it sets and leaves null ones to inherit the broadcast section's")
  void namespaceBuiltDirectly() {
    assertEquals("historySize must be between 1 and 1000000 (was 0)",
        refused(() -> new NamespacesConfig.Namespace("chat", 0, null, null, null, true, false, true, true, Set.of(), NamespacesConfig.Recovery.STREAM)));
    assertEquals("historyMaxBytes must be between 1024 and 1073741824 (was 10)",
        refused(() -> new NamespacesConfig.Namespace("chat", null, null, 10, null, true, false, true, true, Set.of(), NamespacesConfig.Recovery.STREAM)));
    assertNull(new NamespacesConfig.Namespace("chat", null, null, null, null, true, false, true, true, Set.of(), NamespacesConfig.Recovery.STREAM).historySize());
    NamespacesConfig.Namespace ok = new NamespacesConfig.Namespace("bad name", null, null, null, null, true, false, true, true, Set.of(), NamespacesConfig.Recovery.STREAM);
    assertEquals("proxies may name subscribe and publish (was connect)",
        refused(() -> new NamespacesConfig.Namespace("chat", null, null, null, null, true, false, true, true, Set.of("connect"), NamespacesConfig.Recovery.STREAM)));
    assertEquals("joinLeave needs presence: set joinLeave to false with presence false",
        refused(() -> new NamespacesConfig.Namespace("chat", null, null, null, null, true, false, false, true, Set.of(), NamespacesConfig.Recovery.STREAM)));
    assertEquals("bad name: a namespace name is 1-32 of [A-Za-z0-9_.-]", refused(() -> new NamespacesConfig(Map.of("bad name", ok))));
  }

  @Test
  @DisplayName("a proxy endpoint built in code checks its url, timeout and headers, ")
  void proxyBuiltDirectly() {
    assertEquals("timeoutMs must be between 100 and 60000 (was 50)",
        refused(() -> new ProxyConfig.Endpoint("http://backend/connect", 50, List.of(), List.of())));
    assertEquals("url is required (http:// or https://)", refused(() -> new ProxyConfig.Endpoint(null, 1000, List.of(), List.of())));
    assertEquals("headers must be header names (was 'a b')",
        refused(() -> new ProxyConfig.Endpoint("http://backend/connect", 1000, List.of("a b"), List.of())));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @DisplayName("read from the file, the same checks name the full path of the key, through sections named by the file")
  @CsvSource(delimiter = '|', value = {
      "{\"broadcast\":{\"historySize\":0}}|broadcast.historySize must be between 1 and 1000000 (was 0)",
      "{\"broadcast\":{\"maxDataBytes\":32768,\"historyMaxBytes\":2048}}|broadcast.historyMaxBytes must be at least broadcast.maxDataBytes (32768)",
      "{\"broadcast\":{\"historySize\":\"ten\"}}|broadcast.historySize must be an integer",
      "{\"broadcast\":{\"historySize\":3000000000}}|broadcast.historySize must be between -2147483648 and 2147483647 (was 3000000000)",
      "{\"namespaces\":{\"chat\":{\"historySize\":0}}}|namespaces.chat.historySize must be between 1 and 1000000 (was 0)",
      "{\"namespaces\":{\"bad name\":{}}}|namespaces.bad name: a namespace name is 1-32 of [A-Za-z0-9_.-]",
      "{\"proxy\":{\"connect\":{\"url\":\"http://b/c\",\"timeoutMs\":50}}}|proxy.connect.timeoutMs must be between 100 and 60000 (was 50)",
      "{\"proxy\":{\"rpc\":{\"timeoutMs\":1000}}}|proxy.rpc.url is required (http:// or https://)",
      "{\"proxy\":{\"subscribe\":{\"url\":\"http://b/s\"}}}|proxy.subscribe.channels must name the channels this proxy applies to (patterns, as in tokens), or a namespace list it in its proxies",
      "{\"namespaces\":{\"room\":{\"proxies\":[\"publish\"]}}}|namespaces.room.proxies names publish, but proxy.publish is not configured",
      "{\"namespaces\":{\"room\":{\"proxies\":[\"rpc\"]}}}|namespaces.room.proxies may name subscribe and publish (was rpc)",
      "{\"namespaces\":{\"room\":{\"presense\":false}}}|namespaces.room.presense is not a known setting (known: clientPublish, delta, deltaMaxWork, historyMaxBytes, historySize, historyTtlSeconds, idempotencySeconds, joinLeave, presence, proxies, recovery, userLimited)",
      "{\"namespaces\":{\"room\":{\"recovery\":\"latest\"}}}|namespaces.room.recovery is stream or cache (was latest)",
      "{\"namespaces\":{\"doc\":{\"delta\":\"fossil\"}}}|namespaces.doc.delta may be json-patch (was fossil)",
      "{\"namespaces\":{\"doc\":{\"delta\":true}}}|namespaces.doc.delta must be a string",
      "{\"namespaces\":{\"doc\":{\"delta\":\"json-patch\",\"deltaMaxWork\":10}}}|namespaces.doc.deltaMaxWork must be between 1000 and 100000000 (was 10)",
      "{\"namespaces\":{\"doc\":{\"deltaMaxWork\":5000}}}|namespaces.doc.deltaMaxWork needs delta: set delta to json-patch, or leave deltaMaxWork out",
      "{\"proxy\":{\"maxFailures\":0}}|proxy.maxFailures must be between 1 and 1000 (was 0)",
      "{\"auth\":{\"jwt\":{\"leewaySeconds\":301}}}|auth.jwt.leewaySeconds must be between 0 and 300 (was 301)",
      "{\"auth\":{\"devTokens\":true,\"jwt\":{\"algorithm\":\"RS256\"}}}|auth.devTokens needs auth.jwt.algorithm HS256 (the node signs dev tokens itself)",
      "{\"roles\":{\"gateway\":65}}|roles.gateway must be between 0 and 64 (was 65)",
  })
  void fromTheFile(String json, String message) {
    JsonObject conf = new JsonObject().put("auth", new JsonObject().put("devTokens", true)).mergeIn(new JsonObject(json), true);
    assertEquals(message, refused(() -> HeraldConfig.fromJson(conf)));
  }
}
