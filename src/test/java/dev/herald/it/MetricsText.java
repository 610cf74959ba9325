package dev.herald.it;

/** Reads a node's {@code /metrics} (Prometheus text format). */
final class MetricsText {

  private MetricsText() {
  }

  /** The value of the first line of {@code series} (with or without labels); an assertion failure if there is none. */
  static double value(String text, String series) {
    for (String line : text.split("\n")) {
      if (line.startsWith(series + "{") || line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError(series + " missing");
  }

  /** The sum of every line of {@code series} whose labels contain {@code label} (empty: every line); 0 if none. */
  static double sum(String text, String series, String label) {
    return text.lines().filter(l -> (l.startsWith(series + "{") || l.startsWith(series + " ")) && l.contains(label))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
