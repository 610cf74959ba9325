package dev.herald;

import dev.herald.node.Node;
import dev.herald.node.Training;
import dev.herald.config.AuthConfig;
import dev.herald.config.ConfigException;
import dev.herald.config.Role;
import dev.herald.token.Principal;
import dev.herald.token.TokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import dev.herald.config.HeraldConfig;
import dev.herald.observability.Logging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * {@code java -jar herald.jar [-conf FILE]} (or {@code --train [connections]}, {@link Training}): loads and validates the config (exit 2 naming the
 * key on any error), joins the cluster, deploys the roles (exit 2 and one line naming the port
 * and its variable when a port is in use, exit 1 on any other failure), and leaves the cluster
 * cleanly on SIGTERM.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    commonPoolThreads();
    if (args.length > 0 && args[0].equals("--train")) {
      // the training run of a JDK 25 AOT cache (-XX:AOTCacheOutput): its own node, its own clients, then exit
      int connections;
      try {
        connections = args.length > 1 ? Integer.parseInt(args[1]) : Training.DEFAULT_CONNECTIONS;
      } catch (NumberFormatException e) {
        connections = -1;
      }
      if (connections < 1 || connections > 100_000 || args.length > 2) {
        System.err.println("herald: usage: java -XX:AOTCacheOutput=FILE -jar herald.jar --train [connections, 1-100000]");
        System.exit(2);
      }
      Logging.configure("text", "aot-training");
      int status = 1;
      try {
        Training.run(connections);
        status = 0;
      } finally {
        System.exit(status); // the JVM writes the cache as it exits, whatever threads are left
      }
    }
    HeraldConfig config;
    try {
      config = devDefaults(HeraldConfig.load(confPath(args), System.getenv()));
      Node.checkRoles(config);
    } catch (ConfigException e) {
      System.err.println("herald: " + e.getMessage());
      System.exit(2);
      return;
    }
    String taken = portTaken(config);
    if (taken != null) {
      System.err.println("herald: " + taken);
      System.exit(2);
      return;
    }
    Logging.configure(config.log().format(), config.node().name());
    Future<Node> started;
    try {
      started = Node.start(config);
    } catch (ConfigException e) {
      // the cluster file (cluster.configFile) is read as the node starts
      System.err.println("herald: " + e.getMessage());
      System.exit(2);
      return;
    }
    started.onComplete(ar -> {
      String takenSince = ar.failed() && portInUse(ar.cause()) ? portTaken(config) : null;
      if (takenSince != null) {
        // taken between the check and the bind
        System.err.println("herald: " + takenSince);
        System.exit(2);
      }
      if (ar.failed()) {
        LOG.error("node failed to start: {}", ar.cause().toString(), ar.cause());
        System.exit(1);
      }
      Node node = ar.result();
      devAdminToken(config, node);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        LOG.info("shutting down: leaving the cluster");
        node.stop().await();
      }, "herald-shutdown"));
    });
  }

  static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  /**
   * Gives the JVM's common pool at least two threads, unless the command line chose. Hazelcast
   * completes its asynchronous calls (the entry processors presence and channel membership run on
   * a batch of keys) on that pool, and where it would have fewer than two threads (a machine of one
   * or two cores) it starts a new thread for every completion instead: 10 000 clients of a dead
   * node took 34-49 s to reconnect to two survivors with that, 18-19 s without (docs/benchmarks-log.md,
   * "Connection cost"). Runs before anything touches the pool.
   */
  static void commonPoolThreads() {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() - 1 < 2) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
  }

  /**
   * In dev mode, a service token for the admin console, written to this process's log only: the
   * dev node signs with a secret made up at each start, and {@code /dev/token} never mints roles,
   * so whoever sees the node's output (and only they) can open {@code /admin}. Valid 12 hours.
   */
  private static void devAdminToken(HeraldConfig config, Node node) {
    if (!config.auth().devTokens() || config.roles().instances(Role.GATEWAY) == 0) {
      return;
    }
    String token = new TokenVerifier(node.vertx(), config.auth().jwt())
        .sign(new JsonObject().put("sub", "dev-admin").put("roles", new JsonArray().add(Principal.ROLE_SERVICE)), 12 * 3600);
    LOG.warn("*** DEV MODE *** admin console: http://localhost:{}/admin, sign in with this service token (this run only, 12 h): {}",
        config.http().port(), token);
  }

  static boolean portInUse(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The usual first-hour failure, said in one line before anything starts (rather than as the
   * libraries' stack traces): which of the node's ports is in use, and what moves it; null if none.
   */
  static String portTaken(HeraldConfig config) {
    if (!free(config.http().host(), config.http().port())) {
      return "http port " + config.http().port() + " on " + config.http().host()
          + " is in use: stop what holds it, or set HERALD_HTTP_PORT (http.port)";
    }
    if (!free(config.cluster().host(), config.cluster().port())) {
      return "cluster port " + config.cluster().port() + " on " + config.cluster().host()
          + " is in use (another Herald node?): set HERALD_CLUSTER_PORT (cluster.port)";
    }
    return null;
  }

  private static boolean free(String host, int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(host, port));
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  static String confPath(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-conf") || args[i].equals("--conf")) {
        if (i + 1 >= args.length) {
          throw new ConfigException("-conf needs a file path");
        }
        return args[i + 1];
      }
      throw new ConfigException("unknown argument '" + args[i] + "' (usage: java -jar herald.jar [-conf FILE] | --train [connections])");
    }
    return null;
  }

  /** Dev mode without a key gets a random secret for this process; said loudly. */
  static HeraldConfig devDefaults(HeraldConfig config) {
    AuthConfig auth = config.auth();
    if (!auth.devTokens()) {
      return config;
    }
    if (!auth.jwt().hasKey()) {
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      auth = auth.withJwt(auth.jwt().withSecret(Base64.getEncoder().encodeToString(secret)));
      config = config.withAuth(auth);
    }
    LOG.warn("*** DEV MODE *** auth.devTokens is on: POST /dev/token hands a signed token to anyone who asks. "
        + "Never run this config in production (see conf/production.example.json).");
    return config;
  }
}
