package dev.herald.it;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Waits for a condition that no event announces (a periodic report, a TTL, a scrape): checks it
 * every 50 ms until it holds or the deadline passes. Where an event can be awaited, await it.
 */
public final class Eventually {

  private Eventually() {
  }

  /** Within 20 s: {@code http.requestTimeoutSeconds}, TTLs and scrapes of a few seconds, on a loaded machine. */
  public static void eventually(String what, Callable<Boolean> check) {
    eventually(Duration.ofSeconds(20), what, check);
  }

  /** Fails with {@code what} unless {@code check} holds within {@code timeout}; an exception from the check counts as not yet. */
  public static void eventually(Duration timeout, String what, Callable<Boolean> check) {
    eventually(timeout, () -> what, check);
  }

  /** As above, with the failure's message made when it fails (to say what was seen last). */
  public static void eventually(Duration timeout, java.util.function.Supplier<String> what, Callable<Boolean> check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      try {
        if (Boolean.TRUE.equals(check.call())) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what.get(), last);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
