package dev.herald;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layout README's "Layout" describes, kept so: one package per feature, features meeting only
 * on the bus through the protocol package, the shared packages importing no feature, and the
 * composition root ({@code node}) the only place that knows every feature.
 */
class ArchitectureTest {

  /** Each holds a verticle and its own pure logic and Hazelcast operations. */
  private static final List<String> FEATURES = List.of("auth", "presence", "channel", "membership", "heartbeat", "webhook", "gateway", "proxy");
  /** What features may share: the wire and its message records, bus I/O, config records, the cluster handle, tokens, observability. */
  private static final String[] SHARED = {"dev.herald.protocol..", "dev.herald.bus..", "dev.herald.config..", "dev.herald.cluster..",
      "dev.herald.token..", "dev.herald.observability.."};

  private static JavaClasses product;

  @BeforeAll
  static void importProduct() {
    product = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.herald");
  }

  @Test
  @DisplayName("no package cycles")
  void noCycles() {
    slices().matching("dev.herald.(*)..").should().beFreeOfCycles().check(product);
  }

  @Test
  @DisplayName("a feature imports no other feature: they meet on the bus, through the protocol package")
  void featuresAreIndependent() {
    for (String f : FEATURES) {
      String[] others = FEATURES.stream().filter(o -> !o.equals(f)).map(o -> "dev.herald." + o + "..").toArray(String[]::new);
      noClasses().that().resideInAPackage("dev.herald." + f + "..").should().dependOnClassesThat().resideInAnyPackage(others)
          .check(product);
    }
  }

  /** The gateway's layers, each allowed to import only those before it in this list (and none the gateway's root). */
  private static final List<String> GATEWAY_LAYERS = List.of("edge", "connection", "fanout", "bridge", "api");
  private static final java.util.Map<String, List<String>> GATEWAY_MAY_USE = java.util.Map.of(
      "edge", List.of(),
      "connection", List.of("edge"),
      "fanout", List.of("edge", "connection"),
      "bridge", List.of("edge", "connection", "fanout"),
      "api", List.of("edge"));

  @Test
  @DisplayName("the gateway's sub-packages are layered: edge, connection, fanout, bridge; api on the edge only; none imports the gateway's root")
  void gatewayLayers() {
    for (String layer : GATEWAY_LAYERS) {
      String[] forbidden = GATEWAY_LAYERS.stream().filter(o -> !o.equals(layer) && !GATEWAY_MAY_USE.get(layer).contains(o))
          .map(o -> "dev.herald.gateway." + o + "..").toArray(String[]::new);
      noClasses().that().resideInAPackage("dev.herald.gateway." + layer + "..").should().dependOnClassesThat().resideInAnyPackage(forbidden)
          .check(product);
      noClasses().that().resideInAPackage("dev.herald.gateway." + layer + "..").should().dependOnClassesThat()
          .resideInAPackage("dev.herald.gateway").check(product);
    }
  }

  @Test
  @DisplayName("protocol, config, cluster, token and observability import no feature and not the node wiring")
  void sharedPackagesImportNoFeature() {
    String[] features = FEATURES.stream().map(o -> "dev.herald." + o + "..").toArray(String[]::new);
    noClasses().that().resideInAnyPackage(SHARED).should().dependOnClassesThat().resideInAnyPackage(features).check(product);
    noClasses().that().resideInAnyPackage(SHARED).should().dependOnClassesThat().resideInAPackage("dev.herald.node..").check(product);
  }

  @Test
  @DisplayName("the product carries no load generator and no test client: no bench classes, nothing that refers to them or to the shared bridge client")
  void noLoadGenerator() {
    assertTrue(product.stream().noneMatch(c -> c.getPackageName().startsWith("dev.herald.bench")), "bench classes in the product");
    noClasses().should().dependOnClassesThat().resideInAPackage("dev.herald.bench..").check(product);
    noClasses().should().dependOnClassesThat().resideInAPackage("org.HdrHistogram..").check(product);
    noClasses().should().dependOnClassesThat().resideInAPackage("dev.herald.client..").check(product);
  }
}
