package dev.herald.node;

import com.hazelcast.config.Config;
import dev.herald.config.ConfigException;
import dev.herald.config.HeraldConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HazelcastConfigTest {

  @TempDir
  Path dir;

  private HeraldConfig conf(String xmlJoin) throws Exception {
    return conf(xmlJoin, null);
  }

  private HeraldConfig conf(String xmlJoin, Integer quorum) throws Exception {
    String shipped = Files.readString(Path.of("cluster/cluster.xml"));
    String xml = shipped.replaceAll("(?s)<join>.*?</join>", "<join>" + xmlJoin + "</join>");
    Path file = Files.writeString(dir.resolve("cluster.xml"), xml);
    JsonObject cluster = new JsonObject().put("configFile", file.toString())
        .put("members", new JsonArray().add("10.0.0.1:5701").add("10.0.0.2:5701").add("10.0.0.3:5701"));
    if (quorum != null) {
      cluster.put("quorum", quorum);
    }
    return HeraldConfig.fromJson(new JsonObject().put("auth", new JsonObject().put("devTokens", true)).put("cluster", cluster));
  }

  private static final String KUBERNETES = "<auto-detection enabled=\"false\"/><multicast enabled=\"false\"/>"
      + "<kubernetes enabled=\"true\"><service-dns>herald.default.svc.cluster.local</service-dns></kubernetes>";

  @Test
  @DisplayName("every type Herald sends between members has a wire-form type id of its own (two sharing one read each other's bytes)")
  void serializerIds() throws Exception {
    Config hz = Node.hazelcastConfig(conf("<auto-detection enabled=\"false\"/><multicast enabled=\"false\"/><tcp-ip enabled=\"true\"/>"));
    java.util.Map<Integer, String> byId = new java.util.HashMap<>();
    for (var sc : hz.getSerializationConfig().getSerializerConfigs()) {
      String other = byId.put(sc.getImplementation().getTypeId(), sc.getTypeClass().getName());
      assertEquals(null, other, () -> "type id " + sc.getImplementation().getTypeId() + " given to " + other + " and " + sc.getTypeClass().getName());
    }
    assertTrue(byId.containsValue("dev.herald.presence.PresenceOp") && byId.containsValue("dev.herald.membership.MembershipOp")
        && byId.containsValue("dev.herald.channel.ProbeOp"), "every feature's serializers are registered: " + byId);
  }

  @Test
  @DisplayName("herald-base.xml configures exactly the structures the catalog says it does, and names no other")
  void catalog() throws Exception {
    String xml = Files.readString(Path.of("cluster/herald-base.xml")).replaceAll("(?s)<!--.*?-->", "");
    java.util.List<String> named = new java.util.ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("<(?:map|multimap|replicatedmap|ringbuffer|topic|queue|set|list) name=\"([^\"]+)\"").matcher(xml);
    while (m.find()) {
      named.add(m.group(1));
    }
    assertEquals(dev.herald.cluster.Structures.CONFIGURED, named);
    Config hz = Node.hazelcastConfig(conf("<auto-detection enabled=\"false\"/><multicast enabled=\"false\"/><tcp-ip enabled=\"true\"/>"));
    for (String map : java.util.List.of(dev.herald.cluster.Structures.PRESENCE, dev.herald.cluster.Structures.CHANNELS, dev.herald.cluster.Structures.MEMBERS)) {
      assertEquals(1, hz.getMapConfig(map).getBackupCount(), map + ": one synchronous backup");
      assertEquals("OBJECT", hz.getMapConfig(map).getInMemoryFormat().name(), map);
    }
  }

  @Test
  @DisplayName("the shipped file: TCP-IP join with cluster.members, a majority of three guarding channel writes")
  void tcpIp() throws Exception {
    Config hz = Node.hazelcastConfig(conf("<auto-detection enabled=\"false\"/><multicast enabled=\"false\"/><tcp-ip enabled=\"true\"/>"));
    assertTrue(hz.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled());
    assertEquals(3, hz.getNetworkConfig().getJoin().getTcpIpConfig().getMembers().size());
    assertEquals(2, hz.getSplitBrainProtectionConfig("herald-majority").getMinimumClusterSize());
    // members heard from recently, not the member list, which a node cut off shrinks one at a time
    assertTrue(hz.getSplitBrainProtectionConfig("herald-majority").getFunctionImplementation()
        instanceof com.hazelcast.splitbrainprotection.impl.RecentlyActiveSplitBrainProtectionFunction);
    assertEquals("herald-majority", hz.getMapConfig("herald.channels").getSplitBrainProtectionName());
    assertEquals("false", hz.getProperty("hazelcast.socket.bind.any"), "the cluster port listens on cluster.host only");
    assertEquals("OBJECT", hz.getMapConfig("herald.presence").getInMemoryFormat().name(), "herald-base.xml is imported");
  }

  @Test
  @DisplayName("a file that chooses Kubernetes discovery keeps it: Herald does not turn TCP-IP on beside it")
  void kubernetes() throws Exception {
    Config hz = Node.hazelcastConfig(conf(KUBERNETES, 2));
    assertTrue(hz.getNetworkConfig().getJoin().getKubernetesConfig().isEnabled());
    assertFalse(hz.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled());
    assertEquals(2, hz.getSplitBrainProtectionConfig("herald-majority").getMinimumClusterSize());
  }

  @Test
  @DisplayName("a discovery of the file's own (Kubernetes, multicast) without cluster.quorum is refused, naming the key: the member list says nothing of a majority")
  void dynamicDiscoveryNeedsAQuorum() throws Exception {
    HeraldConfig c = conf(KUBERNETES);
    ConfigException e = assertThrows(ConfigException.class, () -> Node.hazelcastConfig(c));
    assertTrue(e.getMessage().startsWith("cluster.quorum must be set"), e.getMessage());
    assertTrue(Node.hazelcastConfig(conf(KUBERNETES, 1)).getSplitBrainProtectionConfigs().isEmpty(), "quorum 1: no protection, by choice");
  }

  @Test
  @DisplayName("a file that enables two discoveries is a config error naming the file, not a stack trace")
  void twoDiscoveries() throws Exception {
    HeraldConfig c = conf("<auto-detection enabled=\"false\"/><multicast enabled=\"true\"/><tcp-ip enabled=\"true\"/>");
    ConfigException e = assertThrows(ConfigException.class, () -> Node.hazelcastConfig(c));
    assertTrue(e.getMessage().startsWith("cluster.configFile "), e.getMessage());
  }
}
