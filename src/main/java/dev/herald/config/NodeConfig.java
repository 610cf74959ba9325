package dev.herald.config;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code node}: who this node is.
 *
 * @param name the node's name in logs, metrics and webhooks; default {@code <host name>-<http.port>}
 *             (the host name from {@code HOSTNAME}, else the machine's), unique per host and port
 */
public record NodeConfig(String name) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  public NodeConfig {
    if (!NAME.matcher(name).matches()) {
      throw Check.fail("name", " must be 1-64 characters of [A-Za-z0-9_.:-] (was '" + name + "')");
    }
  }

  static NodeConfig from(Section s, int httpPort) {
    s.allowOnly(Set.of("name"));
    return s.build(() -> new NodeConfig(s.string("name", defaultName(System.getenv("HOSTNAME"), httpPort))));
  }

  static String defaultName(String hostEnv, int httpPort) {
    String host = hostEnv;
    if (host == null || host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "herald";
      }
    }
    String clean = host.replaceAll("[^A-Za-z0-9_.:-]", "-");
    String suffix = "-" + httpPort;
    return clean.substring(0, Math.min(clean.length(), 64 - suffix.length())) + suffix;
  }
}
