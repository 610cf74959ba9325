package dev.herald.observability;

import dev.herald.protocol.Addresses;
import dev.herald.protocol.message.Notice;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;

/**
 * Whether this node has joined the cluster and deployed every verticle its roles ask for, and
 * if not, why. Kept in node-local shared data so every gateway instance answers {@code /ready} alike.
 */
public final class Readiness {

  private static final String MAP = "herald.node";
  private static final String KEY = "notReadyBecause";
  private static final String DEPENDENCIES = "herald.node.dependencies";
  private static final String DEPENDENCIES_SINCE = "herald.node.dependencies.since";
  private static final String FIGURES = "herald.node.figures";

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

  /**
   * Marks an outside dependency degraded ({@code state} non-null) or healthy (null). It never makes
   * the node unready. A change is published on this node's bus ({@link Addresses#NOTICES}), for
   * the gateways to tell their clients ({@link Notice}).
   */
  public static void dependency(Vertx vertx, String name, String state) {
    LocalMap<String, String> deps = vertx.sharedData().getLocalMap(DEPENDENCIES);
    LocalMap<String, Long> since = vertx.sharedData().getLocalMap(DEPENDENCIES_SINCE);
    String before = state == null ? deps.remove(name) : deps.put(name, state);
    if (java.util.Objects.equals(before, state)) {
      return;
    }
    long now = System.currentTimeMillis();
    Long began = before == null ? now : since.getOrDefault(name, now);
    if (state == null) {
      since.remove(name);
    } else {
      since.put(name, began);
    }
    vertx.eventBus().publish(Addresses.NOTICES, new Notice(name, state, began, now).toJson(), new DeliveryOptions().setLocalOnly(true));
  }

  /** What is degraded now, as notices (a client connecting while it is gets them at once). */
  public static java.util.List<Notice> notices(Vertx vertx) {
    LocalMap<String, Long> since = vertx.sharedData().getLocalMap(DEPENDENCIES_SINCE);
    long now = System.currentTimeMillis();
    return degraded(vertx).entrySet().stream().map(e -> new Notice(e.getKey(), e.getValue(), since.getOrDefault(e.getKey(), now), now)).toList();
  }

  /** Dependencies currently degraded, by name. */
  public static java.util.Map<String, String> degraded(Vertx vertx) {
    return java.util.Map.copyOf(vertx.sharedData().<String, String>getLocalMap(DEPENDENCIES));
  }

  /**
   * Publishes a feature's figures for {@code /ready} under {@code name} (the webhook queue, the
   * heartbeats of the cluster): a {@link JsonObject} or a {@link io.vertx.core.json.JsonArray}.
   */
  public static void figures(Vertx vertx, String name, Object figures) {
    vertx.sharedData().getLocalMap(FIGURES).put(name, figures);
  }

  /** A feature's figures, or null when it does not run on this node. */
  @SuppressWarnings("unchecked")
  public static <T> T figures(Vertx vertx, String name) {
    return (T) vertx.sharedData().getLocalMap(FIGURES).get(name);
  }

  /** Every feature's figures running on this node, by name. */
  public static JsonObject allFigures(Vertx vertx) {
    JsonObject all = new JsonObject();
    vertx.sharedData().<String, Object>getLocalMap(FIGURES).forEach(all::put);
    return all;
  }

  private static LocalMap<String, String> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }
}
