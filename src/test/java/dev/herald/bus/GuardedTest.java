package dev.herald.bus;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GuardedTest {

  @Test
  @DisplayName("a handler that throws answers 5030 at once, where the asker would have waited for its timeout")
  void answersAFailure() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      vertx.eventBus().consumer("t.bad", Guarded.handler("t.bad", m -> {
        throw new NullPointerException("an input no check foresaw");
      })).completion().await();
      Exception e = assertThrows(Exception.class, () -> vertx.eventBus().request("t.bad", "x", new DeliveryOptions().setSendTimeout(30_000))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      ReplyException re = assertInstanceOf(ReplyException.class, e.getCause());
      assertEquals(5030, re.failureCode(), "answered unavailable, not a timeout (-1) after 30 s");
      vertx.eventBus().consumer("t.ok", Guarded.handler("t.ok", m -> m.reply("fine"))).completion().await();
      assertEquals("fine", vertx.eventBus().request("t.ok", "x").await().body());
    } finally {
      vertx.close().await();
    }
  }
}
