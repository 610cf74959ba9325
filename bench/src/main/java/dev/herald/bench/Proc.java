package dev.herald.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the benchmark reads of a node process: CPU time, memory, open-files limit (Linux /proc, jcmd). */
final class Proc {

  private Proc() {
  }

  /** CPU time (user + system) of a process, from /proc, in ms. */
  static long cpuMillis(long pid) throws Exception {
    String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceAll(".*\\) ", "").split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks * 10; // USER_HZ is 100 on Linux
  }

  /**
   * CPU time of a JVM's JIT compiler threads ({@code C1/C2 CompilerThread}), from /proc, in ms:
   * a warm-up cost, taken out of the figures that compare steady-state work within one process.
   * Only the threads alive now: see {@link #jitSince} for a span of time.
   */
  static long jitMillis(long pid) throws Exception {
    return jitThreads(pid).values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * The JIT compiler threads' CPU since {@code before} ({@link #jitThreads}), in ms, thread by
   * thread: the JVM starts and stops compiler threads as its queue grows and shrinks, and a thread
   * that ended took its CPU time out of /proc with it (a total taken twice then fell, below zero).
   * What an ended thread used after {@code before} is lost: a lower bound.
   */
  static long jitSince(long pid, Map<String, Long> before) throws Exception {
    long ms = 0;
    for (Map.Entry<String, Long> t : jitThreads(pid).entrySet()) {
      ms += t.getValue() - before.getOrDefault(t.getKey(), 0L);
    }
    return ms;
  }

  /** Each live JIT compiler thread's CPU time (thread id to ms). */
  static Map<String, Long> jitThreads(long pid) throws Exception {
    Map<String, Long> ms = new HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String comm = Files.readString(task.resolve("comm"));
          if (comm.startsWith("C") && comm.contains("CompilerThre")) {
            String[] f = Files.readString(task.resolve("stat")).replaceAll(".*\\) ", "").split(" ");
            ms.put(task.getFileName().toString(), (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10);
          }
        } catch (java.io.IOException exited) {
          // the thread ended while we looked
        }
      }
    }
    return ms;
  }

  /** {@link #rssKb}, for a callback that may not throw. */
  static long rssKbUnchecked(long pid) {
    try {
      return rssKb(pid);
    } catch (Exception e) {
      throw new IllegalStateException("RSS of " + pid + " unreadable", e);
    }
  }

  /** Resident memory of a process, from /proc, in KB. */
  static long rssKb(long pid) throws Exception {
    Matcher m = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** Files a process has open now. */
  static long openFiles(long pid) throws Exception {
    try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return fds.count();
    }
  }

  static String openFilesLimit(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
      if (line.startsWith("Max open files")) {
        return line.replaceAll("\\s+", " ").split(" ")[3];
      }
    }
    return "?";
  }

  /** Waits (30 s at most) until these processes' CPU is below 5 % of a core each over a second: what was closed is cleaned up. */
  static void awaitQuiet(long... pids) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long cpu = cpuMillis(pids);
    while (System.nanoTime() < deadline) {
      Thread.sleep(1000); // sampling CPU time: there is no event to await
      long now = cpuMillis(pids);
      if (now - cpu < 50L * pids.length) {
        return;
      }
      cpu = now;
    }
  }

  private static long cpuMillis(long... pids) throws Exception {
    long sum = 0;
    for (long pid : pids) {
      sum += cpuMillis(pid);
    }
    return sum;
  }

  /** Live heap after a full GC, from the node's own JVM (jcmd GC.run, then GC.heap_info). */
  static long heapAfterGcKb(long pid) throws Exception {
    run("jcmd", String.valueOf(pid), "GC.run");
    String info = run("jcmd", String.valueOf(pid), "GC.heap_info");
    Matcher m = Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
    long used = 0;
    while (m.find()) {
      used += Long.parseLong(m.group(1));
    }
    return used;
  }

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }
}
