package dev.herald.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BenchTest {

  @Test
  @DisplayName("the median of an odd count is the middle value, of an even count the mean of the middle two; the values are left in their order")
  void median() {
    double[] odd = {7.2, 5.3, 6.9};
    assertEquals(6.9, Bench.median(odd));
    assertArrayEquals(new double[] {7.2, 5.3, 6.9}, odd);
    assertEquals(6.0, Bench.median(8, 5, 7, 1));
    assertEquals(4.0, Bench.median(4));
  }
}
