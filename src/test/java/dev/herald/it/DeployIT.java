package dev.herald.it;

import dev.herald.config.HeraldConfig;
import dev.herald.node.Node;
import dev.herald.token.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/ against the product: no container runtime or Kubernetes here, so every port, env var,
 * path and probe the Dockerfile and the manifests name is checked to exist, and a node started
 * from the ConfigMap's own conf answers the probes and serves every series the Grafana dashboard
 * queries.
 */
class DeployIT {

  private static final Path DEPLOY = JarProcessIT.ROOT.resolve("deploy");
  private static final Map<String, Map<String, Object>> RESOURCES = new LinkedHashMap<>();
  /** Dockerfile: COPY source -> destination in the image. */
  private static final Map<String, String> COPIES = new LinkedHashMap<>();
  private static final List<String> DOCKERFILE = new ArrayList<>();
  private static JsonObject conf;
  private static Node node;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void start() throws Exception {
    try (var files = Files.list(DEPLOY.resolve("kubernetes"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : new Yaml().loadAll(Files.readString(f))) {
          Map<String, Object> r = (Map<String, Object>) doc;
          Object meta = r.get("metadata");
          RESOURCES.put(r.get("kind") + "/" + (meta == null ? f.getFileName() : ((Map<String, Object>) meta).get("name")), r);
        }
      }
    }
    for (String line : Files.readAllLines(DEPLOY.resolve("Dockerfile"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        DOCKERFILE.add(line);
        if (line.startsWith("COPY ")) {
          String[] parts = line.split("\\s+");
          COPIES.put(parts[1], parts[2]);
        }
      }
    }
    Map<String, Object> data = at(RESOURCES.get("ConfigMap/herald-conf"), "data");
    conf = new JsonObject((String) data.get("herald.json"));
    // the ConfigMap's conf as a pod would load it (secrets and its IP from the environment),
    // on this machine's free ports and loopback, joining no one
    JsonObject local = HeraldConfig.applyEnv(conf, Map.of("HERALD_JWT_SECRET", TestTokens.SECRET,
        "HERALD_CLUSTER_SECRET", "deploy-it-cluster-secret-0123456789", "HERALD_CLUSTER_HOST", "127.0.0.1"));
    local.getJsonObject("http").put("host", "127.0.0.1").put("port", TestNodes.freePort());
    local.getJsonObject("cluster").put("port", TestNodes.freePort()).put("eventBusPort", TestNodes.freePort())
        .put("configFile", imagePathToRepo(conf.getJsonObject("cluster").getString("configFile")).toString())
        .put("quorum", 1);
    // the discovery file the pods use is in the image (DiscoveryIT proves it finds members); here
    // the node joins no one
    assertTrue(Files.isRegularFile(Path.of(local.getJsonObject("cluster").getString("configFile"))));
    local.getJsonObject("cluster").remove("configFile");
    local.getJsonObject("cluster").put("members", new JsonArray().add("127.0.0.1:" + local.getJsonObject("cluster").getInteger("port")));
    node = TestNodes.start(HeraldConfig.fromJson(local));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.stop().await();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Object root, String... path) {
    Object o = root;
    for (String p : path) {
      o = o instanceof Map<?, ?> m ? m.get(p) : o instanceof List<?> l ? l.get(Integer.parseInt(p)) : null;
      if (o == null) {
        throw new AssertionError("no " + String.join(".", path) + " in " + root);
      }
    }
    return (T) o;
  }

  /** Where a path inside the image comes from in the repository, by the Dockerfile's COPY lines. */
  private static Path imagePathToRepo(String imagePath) {
    for (Map.Entry<String, String> copy : COPIES.entrySet()) {
      String dest = copy.getValue();
      if (imagePath.equals(dest)) {
        return JarProcessIT.ROOT.resolve(copy.getKey());
      }
      if (dest.endsWith("/") && imagePath.startsWith(dest)) {
        return JarProcessIT.ROOT.resolve(copy.getKey()).resolve(imagePath.substring(dest.length()));
      }
    }
    throw new AssertionError(imagePath + " is put in the image by no COPY of the Dockerfile: " + COPIES);
  }

  private static Map<String, Object> container() {
    return at(RESOURCES.get("StatefulSet/herald"), "spec", "template", "spec", "containers", "0");
  }

  private static Map<String, Integer> containerPorts() {
    Map<String, Integer> ports = new HashMap<>();
    for (Map<String, Object> p : DeployIT.<List<Map<String, Object>>>at(container(), "ports")) {
      ports.put((String) p.get("name"), (Integer) p.get("containerPort"));
    }
    return ports;
  }

  @Test
  @DisplayName("the Dockerfile copies files that exist and starts the jar with the conf the ConfigMap mounts")
  void dockerfile() {
    for (String source : COPIES.keySet()) {
      assertTrue(Files.exists(JarProcessIT.ROOT.resolve(source)), source + " exists (the jar: built before the integration tests)");
    }
    String entry = DOCKERFILE.stream().filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
    JsonArray entryArgs = new JsonArray(entry.substring("ENTRYPOINT".length()).trim());
    assertEquals("java", entryArgs.getString(0));
    assertTrue(Files.isRegularFile(imagePathToRepo(entryArgs.getString(1).substring(1))), entryArgs.getString(1) + ": the argument file is in the image");
    assertEquals("conf/jvm.options", JarProcessIT.ROOT.relativize(imagePathToRepo(entryArgs.getString(1).substring(1))).toString());
    // the AOT cache is trained with the options the node runs with (the JVM refuses a cache made with others)
    String train = String.join(" ", DOCKERFILE).replace("\\ ", "");
    java.util.regex.Matcher trained = java.util.regex.Pattern.compile("RUN java (.*?) -XX:AOTCacheOutput=(\\S+)\\s+-jar (\\S+) --train").matcher(train);
    assertTrue(trained.find(), "the image trains an AOT cache: " + train);
    List<String> runs = new ArrayList<>();
    for (int i = 1; i < entryArgs.size() && !entryArgs.getString(i).startsWith("-XX:AOTCache="); i++) {
      runs.add(entryArgs.getString(i));
    }
    assertEquals(String.join(" ", runs), trained.group(1), "trained with the ENTRYPOINT's options");
    assertTrue(entryArgs.contains("-XX:AOTCache=" + trained.group(2)), "the ENTRYPOINT uses the cache trained: " + entryArgs);
    assertEquals(entryArgs.getString(entryArgs.size() - 1), trained.group(3), "trained on the jar it runs");
    assertEquals("target/herald.jar", COPIES.entrySet().stream().filter(e -> e.getValue().equals(entryArgs.getString(entryArgs.size() - 1)))
        .findFirst().orElseThrow().getKey(), "-jar runs the copied fat jar");
    // the conf path: what CMD and the StatefulSet's args give, where the ConfigMap is mounted
    List<String> args = at(container(), "args");
    assertEquals("-conf", args.get(0));
    Map<String, Object> mount = DeployIT.<List<Map<String, Object>>>at(container(), "volumeMounts").stream()
        .filter(m -> "conf".equals(m.get("name"))).findFirst().orElseThrow();
    assertEquals(mount.get("mountPath") + "/herald.json", args.get(1));
    assertTrue(DOCKERFILE.contains("CMD [\"-conf\", \"" + args.get(1) + "\"]"), "the image's default conf path is the same");
    // EXPOSE names the ports the conf uses
    Set<Integer> exposed = new TreeSet<>();
    DOCKERFILE.stream().filter(l -> l.startsWith("EXPOSE")).forEach(l -> {
      for (String p : l.substring(6).trim().split("\\s+")) {
        exposed.add(Integer.parseInt(p));
      }
    });
    assertEquals(new TreeSet<>(containerPorts().values()), exposed);
  }

  @Test
  @DisplayName("the manifests' ports are the conf's, their env vars are Herald's, the discovery name is the headless Service's")
  void manifests() throws Exception {
    // kubectl apply -k applies every manifest
    Set<String> files = new TreeSet<>();
    try (var list = Files.list(DEPLOY.resolve("kubernetes"))) {
      list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).forEach(files::add);
    }
    assertEquals(files, new TreeSet<>(DeployIT.<List<String>>at(RESOURCES.get("Kustomization/kustomization.yaml"), "resources")));
    Map<String, Integer> ports = containerPorts();
    assertEquals(conf.getJsonObject("http").getInteger("port"), ports.get("http"));
    assertEquals(conf.getJsonObject("cluster").getInteger("port"), ports.get("hazelcast"));
    assertEquals(conf.getJsonObject("cluster").getInteger("eventBusPort"), ports.get("eventbus"));
    // every Service targets a named port of the container
    for (String service : List.of("Service/herald", "Service/herald-hazelcast")) {
      for (Map<String, Object> p : DeployIT.<List<Map<String, Object>>>at(RESOURCES.get(service), "spec", "ports")) {
        assertTrue(ports.containsKey((String) p.get("targetPort")), service + " targets " + p.get("targetPort"));
      }
      assertEquals("herald", at(RESOURCES.get(service), "spec", "selector", "app"));
    }
    assertEquals(true, at(RESOURCES.get("Service/herald-hazelcast"), "spec", "publishNotReadyAddresses"));
    assertEquals("herald-hazelcast", at(RESOURCES.get("StatefulSet/herald"), "spec", "serviceName"));
    // env vars: each one Herald reads
    Set<String> known = new TreeSet<>();
    for (Field f : HeraldConfig.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getName().startsWith("ENV_")) {
        known.add((String) f.get(null));
      }
    }
    for (Map<String, Object> env : DeployIT.<List<Map<String, Object>>>at(container(), "env")) {
      assertTrue(known.contains((String) env.get("name")), env.get("name") + " is one of Herald's variables " + known);
    }
    // cluster/kubernetes-dns.xml looks up <headless service>.<namespace>.svc.cluster.local on the hazelcast port
    String xml = Files.readString(imagePathToRepo(conf.getJsonObject("cluster").getString("configFile")));
    Matcher dns = Pattern.compile("<service-dns>([^<]+)</service-dns>").matcher(xml);
    assertTrue(dns.find(), "a DNS lookup discovery");
    assertEquals("herald-hazelcast." + at(RESOURCES.get("Service/herald-hazelcast"), "metadata", "namespace") + ".svc.cluster.local", dns.group(1));
    assertTrue(xml.contains("<service-port>" + ports.get("hazelcast") + "</service-port>"));
    // the pod disruption budget and the quorum agree: one pod out leaves a majority
    int replicas = at(RESOURCES.get("StatefulSet/herald"), "spec", "replicas");
    int maxUnavailable = at(RESOURCES.get("PodDisruptionBudget/herald"), "spec", "maxUnavailable");
    assertTrue(replicas - maxUnavailable >= conf.getJsonObject("cluster").getInteger("quorum"));
    // prometheus annotations name a real port and path
    Map<String, Object> annotations = at(RESOURCES.get("StatefulSet/herald"), "spec", "template", "metadata", "annotations");
    assertEquals(String.valueOf(ports.get("http")), annotations.get("prometheus.io/port"));
    assertEquals(200, get((String) annotations.get("prometheus.io/path")).statusCode());
  }

  @Test
  @DisplayName("a node started from the ConfigMap's conf answers the readiness and liveness probes on the port they name")
  void probes() throws Exception {
    Map<String, Integer> ports = containerPorts();
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      Map<String, Object> get = at(container(), probe, "httpGet");
      assertTrue(ports.containsKey((String) get.get("port")), probe + " names the container's port " + get.get("port"));
      HttpResponse<String> r = get((String) get.get("path"));
      assertEquals(200, r.statusCode(), probe + " " + get.get("path") + ": " + r.body());
    }
    List<String> preStop = at(container(), "lifecycle", "preStop", "exec", "command");
    assertEquals("sh", preStop.get(0), "the JRE image has a shell for the preStop pause");
  }

  @Test
  @DisplayName("every series the Grafana dashboard queries is in /metrics")
  void dashboard() throws Exception {
    JsonObject dash = new JsonObject(Files.readString(DEPLOY.resolve("grafana/herald-dashboard.json")));
    Set<String> series = new TreeSet<>();
    Pattern name = Pattern.compile("\\b((?:herald|jvm|process|system)_[a-z_]+)\\b");
    for (Object p : dash.getJsonArray("panels")) {
      for (Object t : ((JsonObject) p).getJsonArray("targets")) {
        Matcher m = name.matcher(((JsonObject) t).getString("expr"));
        while (m.find()) {
          series.add(m.group(1));
        }
      }
    }
    assertTrue(series.size() >= 10, "the dashboard queries " + series);
    // the GC pause series appears once a collection has been reported (a notification that comes
    // after System.gc() returns)
    System.gc();
    List<String> missing = new ArrayList<>(series);
    Eventually.eventually(java.time.Duration.ofSeconds(10), () -> "series the dashboard queries but /metrics lacks: " + missing, () -> {
      String metrics = get("/metrics").body();
      missing.removeIf(s -> Pattern.compile("(?m)^" + s + "[{ ]").matcher(metrics).find());
      return missing.isEmpty();
    });
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.config().http().port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
