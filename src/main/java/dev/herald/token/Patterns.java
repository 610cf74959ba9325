package dev.herald.token;

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
      if (glob(p, name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Matches in one left-to-right pass, never backtracking: the pattern is literal pieces split at
   * the stars; the first piece must start the name, the last must end it, and each middle piece
   * is taken at its leftmost place after the one before (leftmost is always safe, since a star
   * can stretch). Each star needs at least one character. Work is bounded by the name's length
   * times the pattern's, whatever the pattern: no pattern can stall the event loop.
   */
  static boolean glob(String p, String s) {
    int star = p.indexOf('*');
    if (star < 0) {
      return p.equals(s);
    }
    if (!s.startsWith(p.substring(0, star))) {
      return false;
    }
    int si = star; // next unmatched character of s
    int pi = star; // at a run of stars
    while (true) {
      int stars = 0;
      while (pi < p.length() && p.charAt(pi) == '*') {
        stars++;
        pi++;
      }
      si += stars; // each star takes at least one character
      int next = p.indexOf('*', pi);
      if (next < 0) {
        // the last piece must end the name, after at least what the stars took
        String last = p.substring(pi);
        return s.length() - last.length() >= si && s.endsWith(last);
      }
      String piece = p.substring(pi, next);
      int at = s.indexOf(piece, si);
      if (at < 0) {
        return false;
      }
      si = at + piece.length();
      pi = next;
    }
  }
}
