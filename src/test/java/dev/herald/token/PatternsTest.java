package dev.herald.token;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class PatternsTest {

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @DisplayName("* matches one or more characters, everything else matches itself")
  @CsvSource({
      "news, news, true",
      "news, newsy, false",
      "room.*, room.1, true",
      "room.*, room.a.b, true",
      "room.*, room., false",
      "room.*, room, false",
      "room.*, roomx1, false",
      "*, anything, true",
      "a*c, abc, true",
      "a*c, ac, false",
      "a*c, abcbc, true",
      "*.admin, team.admin, true",
      "*.admin, team.admins, false",
      "**, a, false",
      "**, ab, true",
      "a*b*c, abbxc, true",
      "a*b*c, abbc, false",
      "a*b*c, abc, false",
      "*a*b, xab, false",
      "*a*b, xayb, true",
      "*ab, aab, true",
  })
  void glob(String pattern, String name, boolean expected) {
    assertEquals(expected, new Patterns(List.of(pattern)).matches(name));
  }

  /** The obvious backtracking matcher, the reference for small inputs. */
  private static boolean reference(String p, int pi, String s, int si) {
    if (pi == p.length()) {
      return si == s.length();
    }
    if (p.charAt(pi) == '*') {
      for (int k = si + 1; k <= s.length(); k++) {
        if (reference(p, pi + 1, s, k)) {
          return true;
        }
      }
      return false;
    }
    return si < s.length() && s.charAt(si) == p.charAt(pi) && reference(p, pi + 1, s, si + 1);
  }

  @Test
  @DisplayName("the one-pass matcher agrees with backtracking on 200 000 random patterns and names")
  void agreesWithBacktracking() {
    Random r = new Random(42);
    for (int i = 0; i < 200_000; i++) {
      String p = random(r, "ab*", 1 + r.nextInt(6));
      String s = random(r, "ab", r.nextInt(8));
      assertEquals(reference(p, 0, s, 0), Patterns.glob(p, s), p + " ~ " + s);
    }
  }

  private static String random(Random r, String alphabet, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  @Test
  @DisplayName("a crafted pattern does not stall: *a*a*...*ab against 200 a's returns (backtracking takes hours)")
  void craftedPatternReturns() {
    String pattern = "*a".repeat(40) + "b";
    String name = "a".repeat(200);
    // a guard against a hang, not a speed assertion: the backtracking matcher this replaced
    // would not return within the lifetime of the build
    assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(30), () -> new Patterns(List.of(pattern)).matches(name)));
  }
}
