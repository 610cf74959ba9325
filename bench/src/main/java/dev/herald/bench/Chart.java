package dev.herald.bench;

import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A latency-distribution chart as SVG: for each series, latency (log scale) against percentile,
 * from 0 to 99.9. Small and dependency-free, so a benchmark can draw what it measured.
 */
final class Chart {

  private static final String[] COLOURS = {"#1f6feb", "#d2691e", "#2da44e", "#8250df"};
  private static final double[] PERCENTILES = {0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9};

  private final String title;
  private final String unit;
  private final Map<String, Histogram> series = new LinkedHashMap<>();

  Chart(String title, String unit) {
    this.title = title;
    this.unit = unit;
  }

  Chart add(String name, Histogram h) {
    if (h.getTotalCount() > 0) {
      series.put(name, h.copy());
    }
    return this;
  }

  /** Values in the histograms are in {@code unit}s; the axis is logarithmic. */
  String svg() {
    int w = 720;
    int h = 360;
    int left = 70;
    int right = 20;
    int top = 40;
    int bottom = 50;
    double max = 1;
    double min = Double.MAX_VALUE;
    for (Histogram hist : series.values()) {
      max = Math.max(max, hist.getValueAtPercentile(99.9));
      min = Math.min(min, Math.max(1, hist.getValueAtPercentile(0)));
    }
    double logMin = Math.floor(Math.log10(Math.min(min, max)));
    double logMax = Math.ceil(Math.log10(max + 1));
    if (logMax <= logMin) {
      logMax = logMin + 1;
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", w, h));
    sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", w, h));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>%n", left, escape(title)));
    for (double e = logMin; e <= logMax; e++) {
      double y = top + (h - top - bottom) * (1 - (e - logMin) / (logMax - logMin));
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", left, w - right, y, y));
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s %s</text>%n", left - 6, y + 4, fmt(Math.pow(10, e)), unit));
    }
    for (int i = 0; i < PERCENTILES.length; i++) {
      double x = left + (w - left - right) * i / (double) (PERCENTILES.length - 1);
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">p%s</text>%n", x, h - bottom + 18, fmt(PERCENTILES[i])));
    }
    int k = 0;
    for (Map.Entry<String, Histogram> s : series.entrySet()) {
      String colour = COLOURS[k % COLOURS.length];
      StringBuilder points = new StringBuilder();
      for (int i = 0; i < PERCENTILES.length; i++) {
        double v = Math.max(Math.pow(10, logMin), s.getValue().getValueAtPercentile(PERCENTILES[i]));
        double x = left + (w - left - right) * i / (double) (PERCENTILES.length - 1);
        double y = top + (h - top - bottom) * (1 - (Math.log10(v) - logMin) / (logMax - logMin));
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n", colour, points.toString().trim()));
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">■ %s</text>%n", left + 10 + 200 * k, h - 12, colour, escape(s.getKey())));
      k++;
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;");
  }
}
