package dev.herald.bus;

import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.message.AdminListing;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.Function;

/** How a service answers the admin console's list requests ({@link AdminListing}). */
public final class Listings {

  private Listings() {
  }

  /** Reads the items a listing asks for: those whose name starts with its prefix, selected where they are stored. */
  public interface Read<T> {
    List<T> read(AdminListing listing) throws Exception;
  }

  /**
   * Answers an admin console's list request: {@code read} (on a worker thread: it queries cluster
   * maps, with the prefix tested where the entries are stored) gives the items, the answer the
   * first {@link AdminListing#limit} matching ones by name; a bad body is {@code bad_request}, a
   * failed read {@code unavailable}.
   */
  public static <T> void reply(Vertx vertx, Message<Object> msg, String key, Read<T> read,
                               Function<T, String> name, Function<T, JsonObject> json) {
    AdminListing listing;
    try {
      listing = AdminListing.from(msg.body());
    } catch (ReplyException e) {
      msg.fail(e.failureCode(), e.getMessage());
      return;
    }
    vertx.executeBlocking(() -> listing.answer(key, read.read(listing), name, json), false).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        ErrorCode.UNAVAILABLE.fail(msg, ar.cause().getMessage());
      }
    });
  }
}
