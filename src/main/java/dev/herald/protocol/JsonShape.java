package dev.herald.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Map;

/**
 * What JSON a client or caller sends may hold, checked at the edge in one walk without recursion
 * (bridge frames, HTTP API bodies):
 *
 * <ul>
 *   <li>nesting at most {@code http.maxJsonDepth}: a message nested ~1 000 deep parses, is
 *       stored, and then breaks every later read of its channel (Jackson refuses to write or read
 *       it back with the envelope around it);</li>
 *   <li>text that is Unicode: {@code "\uD800"} is valid JSON but no character, and UTF-8 cannot
 *       encode it: delivered live as the escape, it was stored as {@code "?"}, so history said
 *       something else at the same seq;</li>
 *   <li>finite numbers: {@code 1e999999} parses as infinity, which Jackson writes back as the
 *       string {@code "Infinity"}.</li>
 * </ul>
 *
 * What passes is written back exactly as it was read, live and from history alike.
 */
public final class JsonShape {

  /** {@link #refusal}'s answer for nesting past the limit (the caller says the limit it applied). */
  public static final String TOO_DEEP = "JSON nested too deep";

  private JsonShape() {
  }

  /** {@link #refusal}'s reason as a client reads it, {@code shownDepth} the limit as configured. */
  public static String explain(String refusal, int shownDepth) {
    return TOO_DEEP.equals(refusal) ? "JSON nested deeper than " + shownDepth + " levels" : refusal;
  }

  /**
   * Why {@code value} is refused, or null: nested more than {@code max} levels deep (a scalar is
   * 0, {@code {}} is 1: {@link #TOO_DEEP}), a lone surrogate in a string or key, a number that is
   * not finite.
   */
  public static String refusal(Object value, int max) {
    if (!(value instanceof JsonObject || value instanceof JsonArray)) {
      return scalar(value); // most frames' bodies: no walk
    }
    ArrayDeque<Object> stack = new ArrayDeque<>();
    ArrayDeque<Integer> depths = new ArrayDeque<>();
    stack.push(value);
    depths.push(0);
    while (!stack.isEmpty()) {
      Object v = stack.pop();
      int d = depths.pop();
      Iterable<?> children;
      if (v instanceof JsonObject o) {
        children = o.getMap().values();
        if (!keysAreText(o.getMap())) {
          return "a key that is not Unicode text (a lone surrogate)";
        }
      } else if (v instanceof Map<?, ?> m) {
        children = m.values();
        if (!keysAreText(m)) {
          return "a key that is not Unicode text (a lone surrogate)";
        }
      } else if (v instanceof JsonArray a) {
        children = a.getList();
      } else if (v instanceof Iterable<?> l) {
        children = l;
      } else {
        String why = scalar(v);
        if (why != null) {
          return why;
        }
        continue;
      }
      if (d + 1 > max) {
        return TOO_DEEP;
      }
      for (Object c : children) {
        if (c != null) {
          stack.push(c);
          depths.push(d + 1);
        }
      }
    }
    return null;
  }

  private static boolean keysAreText(Map<?, ?> m) {
    for (Object k : m.keySet()) {
      if (k instanceof String s && !isText(s)) {
        return false;
      }
    }
    return true;
  }

  private static String scalar(Object v) {
    if (v instanceof String s) {
      return isText(s) ? null : "a string that is not Unicode text (a lone surrogate)";
    }
    if ((v instanceof Double x && !Double.isFinite(x)) || (v instanceof Float f && !Float.isFinite(f))) {
      return "a number too large to be a finite double";
    }
    return null;
  }

  /** No lone surrogate: every high surrogate followed by a low one, and no low one alone. */
  static boolean isText(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return false;
        }
      }
    }
    return true;
  }
}
