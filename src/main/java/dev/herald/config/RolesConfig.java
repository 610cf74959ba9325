package dev.herald.config;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code roles}: how many instances of each verticle this node deploys, e.g.
 * {@code {"gateway": 2, "auth": 1}}. A role left out or set to 0 is not deployed here.
 * Default: {@code {"gateway": 1, "auth": 1, "presence": 1, "heartbeat": 1, "broadcast": 1}}.
 */
public record RolesConfig(Map<Role, Integer> instances) {

  public static final int MAX_INSTANCES = 64;

  public RolesConfig {
    Map<Role, Integer> deployed = new EnumMap<>(Role.class);
    instances.forEach((role, n) -> {
      Check.range(role.key(), n, 0, MAX_INSTANCES);
      if (n > 0) {
        deployed.put(role, n);
      }
    });
    if (deployed.isEmpty()) {
      throw new ConfigException("roles must deploy at least one verticle");
    }
    instances = Collections.unmodifiableMap(deployed);
  }

  public int instances(Role role) {
    return instances.getOrDefault(role, 0);
  }

  static RolesConfig from(Section s) {
    if (s.raw().isEmpty()) {
      return new RolesConfig(Map.of(Role.GATEWAY, 1, Role.AUTH, 1, Role.PRESENCE, 1, Role.HEARTBEAT, 1, Role.BROADCAST, 1));
    }
    s.allowOnly(Arrays.stream(Role.values()).map(Role::key).collect(Collectors.toSet()));
    Map<Role, Integer> m = new EnumMap<>(Role.class);
    for (Role r : Role.values()) {
      m.put(r, s.integer(r.key(), 0));
    }
    return s.build(() -> new RolesConfig(m));
  }
}
