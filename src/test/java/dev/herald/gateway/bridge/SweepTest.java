package dev.herald.gateway.bridge;

import dev.herald.gateway.bridge.Sweep.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SweepTest {

  private static final long NOW = 1_000_000_000L;
  private static final long EXP_LATER = NOW / 1000 + 3600;
  private final Sweep sweep = new Sweep(10_000, 60);

  @Test
  @DisplayName("a connection heard within the idle timeout with an hour of token left is kept")
  void kept() {
    assertEquals(Verdict.KEEP, sweep.verdict(NOW - 9_999, false, EXP_LATER, false, NOW));
  }

  @Test
  @DisplayName("silent past the idle timeout: closed as idle, even with an expired token")
  void idle() {
    assertEquals(Verdict.IDLE, sweep.verdict(NOW - 10_001, false, EXP_LATER, false, NOW));
    assertEquals(Verdict.IDLE, sweep.verdict(NOW - 10_001, false, NOW / 1000 - 1, false, NOW));
  }

  @Test
  @DisplayName("a connection the server holds paused cannot be heard, so it is not idle")
  void pausedIsSpared() {
    assertEquals(Verdict.KEEP, sweep.verdict(NOW - 60_000, true, EXP_LATER, false, NOW));
  }

  @Test
  @DisplayName("within the notice window the notice is due once; at exp the connection is closed")
  void expiry() {
    long exp = NOW / 1000 + 30;
    assertEquals(Verdict.NOTICE, sweep.verdict(NOW, false, exp, false, NOW));
    assertEquals(Verdict.KEEP, sweep.verdict(NOW, false, exp, true, NOW));
    assertEquals(Verdict.EXPIRED, sweep.verdict(NOW, false, NOW / 1000, true, NOW));
    assertEquals(Verdict.EXPIRED, sweep.verdict(NOW, true, NOW / 1000 - 5, false, NOW));
  }
}
