package dev.herald.node;

import dev.herald.cluster.ClusterHandle;
import com.hazelcast.config.Config;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import com.hazelcast.config.InterfacesConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;
import dev.herald.auth.AuthVerticle;
import dev.herald.channel.BroadcastVerticle;
import dev.herald.channel.HistoryBudgetVerticle;
import dev.herald.channel.PublishOp;
import dev.herald.config.ClusterConfig;
import dev.herald.config.ConfigException;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Role;
import dev.herald.gateway.GatewayLoad;
import dev.herald.gateway.GatewayVerticle;
import dev.herald.proxy.ProxyVerticle;
import dev.herald.presence.PresenceSnapshots;
import dev.herald.protocol.WebhookEvents;
import dev.herald.heartbeat.HeartbeatVerticle;
import dev.herald.observability.Metrics;
import dev.herald.observability.NodeMetrics;
import dev.herald.observability.Readiness;
import dev.herald.membership.ChannelMembersVerticle;
import dev.herald.channel.ChannelMetrics;
import dev.herald.presence.PresenceMetrics;
import dev.herald.webhook.WebhookMetrics;
import dev.herald.membership.MembershipJanitor;
import dev.herald.presence.PresenceJanitor;
import dev.herald.presence.PresenceVerticle;
import dev.herald.presence.PresenceSerializers;
import dev.herald.membership.MembershipSerializers;
import dev.herald.channel.ChannelLogSerializers;
import dev.herald.webhook.WebhookVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * A running Herald node: a clustered Vert.x with the verticles its {@code roles} ask for.
 * {@link Main} starts one per process; tests start several in one JVM.
 */
public final class Node {

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  /**
   * A verticle a role deploys: as many instances as the role asks for, or exactly one per node
   * for work that must not run twice on a node.
   */
  private record Part(BiFunction<HeraldConfig, ClusterHandle, Deployable> factory, boolean onePerNode) {
    static Part scaled(BiFunction<HeraldConfig, ClusterHandle, Deployable> f) {
      return new Part(f, false);
    }
  }

  /** How each role is built. A role with no entry is not in this build yet. */
  private static final Map<Role, List<Part>> FACTORIES = Map.of(
      // the proxy service beside the gateways: they ask it (local first) what the backend says
      Role.GATEWAY, List.of(Part.scaled(GatewayVerticle::new), new Part((c, cluster) -> new ProxyVerticle(c.proxy()), true)),
      Role.AUTH, List.of(Part.scaled((c, cluster) -> new AuthVerticle(c.auth(), cluster))),
      Role.BROADCAST, List.of(Part.scaled((c, cluster) -> new BroadcastVerticle(c.broadcast(), c.namespaces(), cluster)),
          new Part((c, cluster) -> new HistoryBudgetVerticle(c.broadcast(), cluster), true)),
      Role.HEARTBEAT, List.of(new Part((c, cluster) -> new HeartbeatVerticle(c, cluster), true)),
      Role.PRESENCE, List.of(
          Part.scaled((c, cluster) -> new PresenceVerticle(cluster, c.node().name(), c.presence(),
              c.webhook().events().contains(WebhookEvents.CONNECTION_OPEN) || c.webhook().events().contains(WebhookEvents.CONNECTION_CLOSE))),
          Part.scaled((c, cluster) -> new ChannelMembersVerticle(cluster, c.node().name(), joinWebhooks(c), c.namespaces())),
          new Part((c, cluster) -> new PresenceJanitor(c.presence(), cluster, c.node().name()), true),
          new Part((c, cluster) -> new MembershipJanitor(c.presence().reconcileSeconds(), cluster, c.node().name(), joinWebhooks(c), c.namespaces()), true),
          new Part((c, cluster) -> new PresenceSnapshots(c.webhook().snapshotSeconds(), cluster, c.node().name()), true)),
      Role.WEBHOOK, List.of(new Part((c, cluster) -> new WebhookVerticle(c), true)));

  private static boolean joinWebhooks(HeraldConfig c) {
    return c.webhook().events().contains(WebhookEvents.CHANNEL_JOIN) || c.webhook().events().contains(WebhookEvents.CHANNEL_LEAVE);
  }

  private final HeraldConfig config;
  private final Vertx vertx;
  private final HazelcastClusterManager clusterManager;
  private final List<String> gatewayDeployments = new ArrayList<>();

  private Node(HeraldConfig config, Vertx vertx, HazelcastClusterManager clusterManager) {
    this.config = config;
    this.vertx = vertx;
    this.clusterManager = clusterManager;
  }

  /** Checks that every configured role can be deployed by this build. */
  public static void checkRoles(HeraldConfig config) {
    for (Role r : config.roles().instances().keySet()) {
      if (!FACTORIES.containsKey(r)) {
        throw new ConfigException("roles." + r.key() + " is not available in this version of Herald");
      }
    }
  }

  /** Joins the cluster and deploys the roles; fails if either fails. */
  public static Future<Node> start(HeraldConfig config) {
    checkRoles(config);
    System.setProperty("hazelcast.logging.type", "slf4j");
    Config hz = hazelcastConfig(config);
    HazelcastClusterManager cm = new HazelcastClusterManager(hz);
    VertxOptions options = new VertxOptions().setEventBusOptions(new EventBusOptions()
        .setHost(config.cluster().host())
        .setPort(config.cluster().eventBusPort()));
    long t0 = System.nanoTime();
    return Vertx.builder().with(options).withClusterManager(cm).buildClustered().compose(vertx -> {
      Readiness.notReady(vertx, "deploying verticles");
      ClusterHandle handle = ClusterHandle.of(cm.getHazelcastInstance(), config.cluster().quorum());
      NodeMetrics.register(vertx, config.node().name(), () -> handle.hazelcast().getCluster().getMembers().size());
      // every node shows every feature's gauges, whatever its roles (0 where a feature does not run)
      ChannelMetrics.register(vertx, handle);
      PresenceMetrics.register(vertx, handle);
      WebhookMetrics.register(vertx);
      GatewayLoad.register(vertx);
      // entry processors that deliver (PublishOp) find this node's Vert.x here
      cm.getHazelcastInstance().getUserContext().put(PublishOp.VERTX_KEY, vertx);
      LOG.info("node {} joined cluster {} ({} members) in {} ms", config.node().name(), hz.getClusterName(),
          cm.getNodes().size(), (System.nanoTime() - t0) / 1_000_000);
      Node node = new Node(config, vertx, cm);
      return node.deployRoles().map(node).recover(err -> vertx.close().transform(v -> Future.failedFuture(err)));
    });
  }

  private Future<Void> deployRoles() {
    List<Future<Void>> deployments = new ArrayList<>();
    // services first, gateways last: a gateway accepts clients only once the services answer
    for (Role role : Role.values()) {
      if (role != Role.GATEWAY) {
        deployments.add(deploy(role));
      }
    }
    return Future.all(deployments)
        .compose(v -> deploy(Role.GATEWAY))
        .onSuccess(id -> {
          Readiness.ready(vertx);
          LOG.info("node {} ready: {} on http {}:{}, Java {}", config.node().name(), config.roles().instances(),
              config.http().host(), config.http().port(), Runtime.version().feature());
        })
        .mapEmpty();
  }

  private Future<Void> deploy(Role role) {
    int n = config.roles().instances(role);
    if (n == 0) {
      return Future.succeededFuture();
    }
    ClusterHandle cluster = ClusterHandle.of(clusterManager.getHazelcastInstance(), config.cluster().quorum());
    List<Future<String>> parts = new ArrayList<>();
    for (Part part : FACTORIES.get(role)) {
      Supplier<Deployable> supplier = () -> part.factory().apply(config, cluster);
      Future<String> id = vertx.deployVerticle(supplier, new DeploymentOptions().setInstances(part.onePerNode() ? 1 : n));
      parts.add(role == Role.GATEWAY ? id.onSuccess(gatewayDeployments::add) : id);
    }
    return Future.all(parts).mapEmpty();
  }

  public Vertx vertx() {
    return vertx;
  }

  public HeraldConfig config() {
    return config;
  }

  public HazelcastClusterManager clusterManager() {
    return clusterManager;
  }

  /**
   * Stops gracefully: gateways first, which send their clients elsewhere and wait until presence
   * has taken them out (while this node's services still answer), then everything else, then
   * leaves the cluster.
   */
  public Future<Void> stop() {
    Readiness.notReady(vertx, "stopping");
    List<Future<Void>> gateways = new ArrayList<>();
    gatewayDeployments.forEach(id -> gateways.add(vertx.undeploy(id)));
    return Future.join(gateways).transform(ar -> vertx.close()).onComplete(ar -> Metrics.remove(vertx));
  }

  /**
   * The cluster XML, with this node's interface, port and member list laid over it, and the
   * cluster name derived from {@code cluster.secret}.
   */

  static Config hazelcastConfig(HeraldConfig config) {
    ClusterConfig cluster = config.cluster();
    Config hz;
    try (InputStream in = openClusterXml(cluster.configFile())) {
      hz = new XmlConfigBuilder(in).build();
    } catch (IOException e) {
      throw new ConfigException("cluster.configFile " + cluster.configFile() + " cannot be read: " + e.getMessage());
    } catch (RuntimeException e) {
      throw new ConfigException("cluster.configFile " + (cluster.configFile() == null ? "(embedded cluster.xml)" : cluster.configFile())
          + " is not a valid Hazelcast config: " + e.getMessage());
    }
    PresenceSerializers.register(hz.getSerializationConfig());
    MembershipSerializers.register(hz.getSerializationConfig());
    ChannelLogSerializers.register(hz.getSerializationConfig());
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(cluster.port()).setPortAutoIncrement(false);
    net.setPublicAddress(cluster.host() + ":" + cluster.port());
    InterfacesConfig ifaces = net.getInterfaces();
    if (!"0.0.0.0".equals(cluster.host()) && cluster.host().matches("[0-9.]+")) {
      ifaces.setEnabled(true).setInterfaces(List.of(cluster.host()));
      // listen on that address only: Hazelcast binds every interface by default, which would
      // open the cluster port beyond the one cluster.host names (and let no two nodes of one host
      // share a port on different addresses)
      hz.setProperty("hazelcast.socket.bind.any", "false");
    } else {
      ifaces.setEnabled(false);
    }
    JoinConfig join = net.getJoin();
    if (ownDiscovery(join)) {
      // the file chose its discovery (Kubernetes, multicast, a cloud): cluster.members plays no part
      LOG.info("cluster.configFile {} discovers members itself: cluster.members is not used", cluster.configFile());
    } else {
      join.getMulticastConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    }
    try {
      join.verify();
    } catch (RuntimeException e) {
      throw new ConfigException("cluster.configFile " + cluster.configFile() + ": " + e.getMessage());
    }
    if (ownDiscovery(join) && !cluster.quorumSet()) {
      throw new ConfigException("cluster.quorum must be set (HERALD_CLUSTER_QUORUM) when cluster.configFile " + cluster.configFile()
          + " discovers members itself: with no member list, no default is a majority, and without one a node cut off"
          + " from the others would go on assigning seqs the others assign too. Set it to a majority of the nodes"
          + " you run (2 of 3), or 1 to run without split-brain protection");
    }
    if (cluster.quorum() > 1) {
      // channel logs are written only with a majority: a node cut off from it answers publishes
      // unavailable instead of assigning seqs the majority assigns too (the rest is in ClusterHandle.hasQuorum)
      hz.addSplitBrainProtectionConfig(SplitBrainProtectionConfig.newRecentlyActiveSplitBrainProtectionConfigBuilder(
              ClusterHandle.QUORUM, cluster.quorum(), (int) ClusterHandle.QUORUM_TOLERANCE_MS)
          .enabled(true).build().setProtectOn(SplitBrainProtectionOn.WRITE));
      hz.getMapConfig(BroadcastVerticle.MAP).setSplitBrainProtectionName(ClusterHandle.QUORUM);
    }
    if (cluster.secret() != null) {
      hz.setClusterName(hz.getClusterName() + "-" + ClusterSecret.tag(cluster.secret()));
    } else {
      LOG.warn("cluster.secret is not set: any process that reaches port {} can join this cluster, read its state and "
          + "send on its event bus. Set HERALD_CLUSTER_SECRET (the same on every node) and keep the cluster ports private.", cluster.port());
    }
    return hz;
  }

  /** Whether the cluster XML enables a discovery other than TCP-IP (which Herald then leaves alone). */
  private static boolean ownDiscovery(JoinConfig join) {
    return join.getMulticastConfig().isEnabled() || join.getKubernetesConfig().isEnabled() || join.getAwsConfig().isEnabled()
        || join.getGcpConfig().isEnabled() || join.getAzureConfig().isEnabled() || join.getEurekaConfig().isEnabled()
        || join.getDiscoveryConfig().isEnabled();
  }

  private static InputStream openClusterXml(String file) throws IOException {
    if (file == null) {
      InputStream in = Node.class.getClassLoader().getResourceAsStream("cluster.xml");
      if (in == null) {
        throw new ConfigException("the embedded cluster.xml is missing from the jar");
      }
      return in;
    }
    Path p = Path.of(file);
    if (!Files.isReadable(p)) {
      throw new ConfigException("cluster.configFile " + file + " does not exist or cannot be read");
    }
    return Files.newInputStream(p);
  }
}
