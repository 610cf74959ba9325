package dev.herald;

import dev.herald.node.Node;
import dev.herald.config.AuthConfig;
import dev.herald.config.ConfigException;
import dev.herald.config.HeraldConfig;
import dev.herald.observability.Logging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * {@code java -jar herald.jar [-conf FILE]}: loads and validates the config (exit 2 naming the
 * key on any error), joins the cluster, deploys the roles (exit 1 if that fails), and leaves
 * the cluster cleanly on SIGTERM.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    HeraldConfig config;
    try {
      config = devDefaults(HeraldConfig.load(confPath(args), System.getenv()));
      Node.checkRoles(config);
    } catch (ConfigException e) {
      System.err.println("herald: " + e.getMessage());
      System.exit(2);
      return;
    }
    Logging.configure(config.log().format(), config.node().name());
    Node.start(config).onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("node failed to start: {}", ar.cause().toString(), ar.cause());
        System.exit(1);
      }
      Node node = ar.result();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        LOG.info("shutting down: leaving the cluster");
        node.stop().await();
      }, "herald-shutdown"));
    });
  }

  static String confPath(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-conf") || args[i].equals("--conf")) {
        if (i + 1 >= args.length) {
          throw new ConfigException("-conf needs a file path");
        }
        return args[i + 1];
      }
      throw new ConfigException("unknown argument '" + args[i] + "' (usage: java -jar herald.jar [-conf FILE])");
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
