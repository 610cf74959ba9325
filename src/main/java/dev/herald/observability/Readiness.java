package dev.herald.observability;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * Whether this node has joined the cluster and deployed every verticle its roles ask for, and
 * if not, why. Kept in node-local shared data so every gateway instance answers {@code /ready} alike.
 */
public final class Readiness {

  private static final String MAP = "herald.node";
  private static final String KEY = "notReadyBecause";

  private Readiness() {
  }

  public static void notReady(Vertx vertx, String reason) {
    map(vertx).put(KEY, reason);
  }

  public static void ready(Vertx vertx) {
    map(vertx).remove(KEY);
  }

  /** Null when ready, else the reason. */
  public static String notReadyBecause(Vertx vertx) {
    return map(vertx).get(KEY);
  }

  private static LocalMap<String, String> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }
}
