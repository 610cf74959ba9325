package dev.herald.observability;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

import java.net.URL;

/** Applies the config's log format ({@code text} or {@code json}) and names the node in every line. */
public final class Logging {

  private Logging() {
  }

  public static void configure(String format, String node) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    URL file = Logging.class.getClassLoader().getResource(format.equals("json") ? "logback-json.xml" : "logback.xml");
    ctx.reset();
    ctx.putProperty("node", node);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(ctx);
    try {
      configurator.doConfigure(file);
    } catch (JoranException e) {
      throw new IllegalStateException("logging config " + file + " is broken", e);
    }
    ctx.putProperty("node", node);
  }
}
