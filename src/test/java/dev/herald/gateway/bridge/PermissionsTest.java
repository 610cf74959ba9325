package dev.herald.gateway.bridge;

import dev.herald.protocol.Addresses;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Frame;
import dev.herald.token.Principal;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Every row of docs/protocol.md section 2, for a user it allows and one it does not. */
class PermissionsTest {

  /** alice may subscribe to room.* and news, publish to room.*, and watch team.*. */
  private static final Principal ALICE = Principal.fromClaims(new JsonObject()
      .put("sub", "alice").put("exp", 2_000_000_000L)
      .put("channels", new JsonArray().add("room.*").add("news"))
      .put("publish", new JsonArray().add("room.*"))
      .put("watch", new JsonArray().add("team.*")));

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @DisplayName("each address is allowed for the right user and refused with the right code otherwise")
  @CsvSource(delimiter = '|', nullValues = "ok", value = {
      "REGISTER|rt.channel.room.1||ok",
      "REGISTER|rt.channel.news||ok",
      "REGISTER|rt.channel.secret||forbidden",
      "REGISTER|rt.members.room.1||ok",
      "REGISTER|rt.members.secret||forbidden",
      "REGISTER|rt.presence.user.team.bob||ok",
      "REGISTER|rt.presence.user.bob||forbidden",
      "REGISTER|rt.user.alice.inbox||ok",
      "REGISTER|rt.user.bob.inbox||forbidden",
      "REGISTER|rt.presence.set||access_denied",
      "REGISTER|rt.channel.publish||access_denied",
      "REGISTER|herald.auth.verify||access_denied",
      "REGISTER|rt.nothing||access_denied",
      "SEND|rt.presence.set|{\"status\":\"busy\"}|ok",
      "SEND|rt.presence.get|{\"users\":[\"team.a\",\"team.b\"]}|ok",
      "SEND|rt.presence.get|{\"users\":[\"team.a\",\"bob\"]}|forbidden",
      "SEND|rt.channel.publish|{\"channel\":\"room.1\",\"data\":1}|ok",
      "SEND|rt.channel.publish|{\"channel\":\"news\",\"data\":1}|forbidden",
      "SEND|rt.channel.publish|{\"data\":1}|bad_request",
      "SEND|rt.channel.publish|{\"channel\":\"bad name\"}|bad_request",
      "SEND|rt.channel.history|{\"channel\":\"news\",\"since\":0}|ok",
      "SEND|rt.channel.history|{\"channel\":\"secret\",\"since\":0}|forbidden",
      "SEND|rt.channel.members|{\"channel\":\"room.9\"}|ok",
      "SEND|rt.channel.members|{\"channel\":\"secret\"}|forbidden",
      "SEND|rt.auth.refresh|{\"token\":\"x\"}|ok",
      "SEND|rt.channel.room.1|{}|access_denied",
      "SEND|rt.user.alice.inbox|{}|access_denied",
      "SEND|herald.auth.verify|{}|access_denied",
      "PUBLISH|rt.channel.room.1|{}|access_denied",
      "PUBLISH|rt.presence.set|{}|access_denied",
  })
  void rows(Frame.Type type, String address, String body, String expected) {
    Object b = body == null ? null : new JsonObject(body);
    ReplyException r = Permissions.check(ALICE, type, Addresses.parse(address), b);
    if (expected == null) {
      assertNull(r, () -> "refused: " + r.getMessage());
    } else {
      ErrorCode code = ErrorCode.valueOf(expected.toUpperCase());
      assertEquals(code.code, r.failureCode());
      assertEquals(expected, ErrorCode.toJson(r).getString("error"));
    }
  }
}
