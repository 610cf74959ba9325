package dev.herald.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OneAtATimeTest {

  private final List<String> started = new ArrayList<>();

  private Supplier<Future<Void>> task(String name, Promise<Void> done) {
    return () -> {
      started.add(name);
      return done.future();
    };
  }

  @Test
  @DisplayName("a cleanup queued behind another starts when that one ends, failed or not; a check is skipped while either is pending")
  void oneAfterAnother() {
    OneAtATime cleanups = new OneAtATime();
    Promise<Void> first = Promise.promise();
    Promise<Void> second = Promise.promise();
    cleanups.queue(task("member left", first));
    cleanups.queue(task("another member left", second));
    assertEquals(List.of("member left"), started, "the second waits for the first");
    assertFalse(cleanups.ifIdle(task("check", Promise.promise())), "no check beside a cleanup");

    first.fail("the cluster was not safe");
    assertEquals(List.of("member left", "another member left"), started, "a failed cleanup does not stop the next");
    assertFalse(cleanups.ifIdle(task("check", Promise.promise())));

    second.complete();
    assertTrue(cleanups.ifIdle(task("check", Promise.promise())), "idle again: the check runs");
    assertEquals(List.of("member left", "another member left", "check"), started);
  }
}
