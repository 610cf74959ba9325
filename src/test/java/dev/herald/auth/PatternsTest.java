package dev.herald.auth;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
  })
  void glob(String pattern, String name, boolean expected) {
    assertEquals(expected, new Patterns(List.of(pattern)).matches(name));
  }
}
