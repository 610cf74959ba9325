package dev.herald.observability;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeMetricsTest {

  @Test
  @DisplayName("an exception no handler takes is counted by class, each one, however many come at once")
  void countsUnhandled() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      NodeMetrics.register(vertx, "t", () -> 1);
      int n = 500;
      CountDownLatch thrown = new CountDownLatch(n);
      for (int i = 0; i < n; i++) {
        vertx.runOnContext(v -> {
          thrown.countDown();
          throw new IllegalStateException("Promise already completed");
        });
      }
      assertTrue(thrown.await(10, TimeUnit.SECONDS));
      // the handler runs on the loop right after each task threw: wait (bounded) until it has seen the last
      var counter = Metrics.of(vertx).find("herald_unhandled_exceptions_total").tag("class", IllegalStateException.class.getName());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (counter.counter() == null || counter.counter().count() < n) {
        assertTrue(System.nanoTime() < deadline, "counted " + (counter.counter() == null ? 0 : counter.counter().count()) + " of " + n);
        Thread.onSpinWait();
      }
      assertEquals(n, counter.counter().count());
    } finally {
      vertx.close().await();
    }
  }
}
