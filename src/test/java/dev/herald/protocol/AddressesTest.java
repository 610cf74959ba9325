package dev.herald.protocol;

import dev.herald.protocol.Addresses.Kind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AddressesTest {

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @DisplayName("client addresses parse into a kind and a checked name")
  @CsvSource(nullValues = "null", value = {
      "rt.presence.set, PRESENCE_SET, null",
      "rt.presence.get, PRESENCE_GET, null",
      "rt.presence.user.alice@x.com, PRESENCE_USER, alice@x.com",
      "rt.channel.room.1, CHANNEL, room.1",
      "rt.channel.publish, CHANNEL_PUBLISH, null",
      "rt.channel.history, CHANNEL_HISTORY, null",
      "rt.channel.members, CHANNEL_MEMBERS, null",
      "rt.members.room.1, MEMBERS, room.1",
      "rt.members.publish, UNKNOWN, null",
      "rt.user.bob.smith.inbox, INBOX, bob.smith",
      "rt.user..inbox, UNKNOWN, null",
      "rt.user.bob, UNKNOWN, null",
      "rt.auth.refresh, AUTH_REFRESH, null",
      "rt.channel.bad/name, UNKNOWN, null",
      "rt.channel.a@b, CHANNEL, a@b",
      "'rt.channel.dm:ann,bob@x.com', CHANNEL, 'dm:ann,bob@x.com'",
      "rt.channel.a*b, UNKNOWN, null",
      "rt.channel.a#b, UNKNOWN, null",
      "rt.presence.user., UNKNOWN, null",
      "herald.auth.verify, UNKNOWN, null",
      "rt.unknown, UNKNOWN, null",
  })
  void parse(String address, Kind kind, String arg) {
    Addresses.Target t = Addresses.parse(address);
    assertEquals(kind, t.kind());
    assertEquals(arg, t.arg());
  }
}
