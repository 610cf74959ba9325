package dev.herald.auth;

import java.util.List;

/**
 * A list of name patterns from a token claim ({@code channels}, {@code publish}, {@code watch}).
 * In a pattern, {@code *} matches one or more characters; every other character matches itself.
 * So {@code room.*} matches {@code room.1} and {@code room.a.b} but not {@code room.}.
 */
public record Patterns(List<String> patterns) {

  public static final Patterns NONE = new Patterns(List.of());

  public Patterns {
    patterns = List.copyOf(patterns);
  }

  public boolean matches(String name) {
    for (String p : patterns) {
      if (glob(p, 0, name, 0)) {
        return true;
      }
    }
    return false;
  }

  private static boolean glob(String p, int pi, String s, int si) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      if (c == '*') {
        // one or more characters: try every split, shortest first
        for (int k = si + 1; k <= s.length(); k++) {
          if (glob(p, pi + 1, s, k)) {
            return true;
          }
        }
        return false;
      }
      if (si >= s.length() || s.charAt(si) != c) {
        return false;
      }
      pi++;
      si++;
    }
    return si == s.length();
  }
}
