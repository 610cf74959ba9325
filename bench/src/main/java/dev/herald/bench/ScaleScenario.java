package dev.herald.bench;

import dev.herald.client.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scale-out: the same load on 1, 2, ... N "hosts" ({@code hosts}, a list: one point of the curve
 * each, on a fresh set-up each time). A host is a Linux network namespace ({@code hs1..hsN},
 * 10.213.79.1..N/24, veth pairs on bridge {@code hsbr}, 10.213.79.254 in the root namespace where
 * this process runs; not the subnets of scripts/chaos.sh and discovery.sh, which may run
 * meanwhile) holding one Herald node of an N-node cluster (quorum a majority of N, 1 below 3) and
 * one client process ({@link Host}, this jar again, inside the namespace) that connects {@code
 * clients} raw-WebSocket clients to its own node, 256 in flight, one user each, every one
 * subscribed to {@value #ALL} and, with {@code rooms} R &gt; 0, client i also to the small channel
 * {@code scale.room.(i % R)} (the same R rooms on every host: a room's members sit on every node).
 * A backend publishes {@code warmup} unmeasured, then {@code broadcasts} measured messages on
 * {@value #ALL}, one every {@code interval} ms, over node 1's HTTP API (and, with rooms, one
 * message to each room with each of them, over POST /api/v1/publish, 100 channels a request); each
 * carries the publisher's System.nanoTime() (CLOCK_MONOTONIC, one clock for every process of this
 * machine, whatever its network namespace), so a delivery's latency is the client's nanoTime when
 * the frame is handled minus that. Each host process says when every acknowledged message reached
 * every client it subscribed; {@code waitSeconds} after the last publish the count is taken as it is.
 * Measured per host and in all: connects + subscribes per second (every host's clients connect at
 * once; in all: clients subscribed over the time from the command to the last host done), node RSS
 * and node heap after a full GC (jcmd reaches a JVM in another network namespace: same mount and
 * pid namespace) per connection, from before the clients to all subscribed; node CPU per delivery
 * over the measured broadcasts (every node's /proc CPU time, the first measured publish to the
 * last host's deliveries complete; also above the nodes' idle CPU, sampled for {@code idle} s
 * before); deliveries per second (deliveries over the first measured publish to the last delivery:
 * with a long {@code interval} that is the offered rate, not a capacity), latency p50/p99/max,
 * lost (subscribed clients minus receipts, per acknowledged message), duplicated, errors. Nodes run
 * with {@code bridge.connectsPerSecond} at its maximum: the storm scenario measures that control;
 * here a turned-away client would never connect. Nodes sit on the nodes' core, client processes on
 * the load generator's (as the other scenarios); on one machine, N nodes share that core, so the
 * curve here says what grows with nodes, not what a host each would give.
 */
final class ScaleScenario {

  static final String PREFIX = "hs";
  /** Not scripts/chaos.sh's 10.213.77 nor scripts/discovery.sh's 10.213.78: those may run beside this. */
  static final String NET = "10.213.79";
  static final int HTTP_PORT = 8080;
  static final int CLUSTER_PORT = 5701;
  static final String ALL = "scale.all";
  static final String ROOM = "scale.room.";
  static final int IN_FLIGHT = 256;
  /** One publish request names at most this many channels (docs/protocol.md section 4). */
  static final int CHANNELS_PER_PUBLISH = 100;
  /** Files a process keeps for itself (jars, logs, /proc reads, cluster links) besides its clients' sockets. */
  private static final int OWN_FILES = 500;

  private ScaleScenario() {
  }

  static JsonObject run(Bench.Options o) throws Exception {
    List<Integer> hostCounts = new ArrayList<>();
    for (String h : o.string("hosts", "1,2,3,6").split(",")) {
      hostCounts.add(Integer.parseInt(h.trim()));
    }
    int clients = o.integer("clients", 2000);
    int broadcasts = o.integer("broadcasts", 20);
    int warmup = o.integer("warmup", 2);
    int interval = o.integer("interval", 500);
    int rooms = o.integer("rooms", 0);
    int waitSeconds = o.integer("waitSeconds", 30);
    int idle = o.integer("idle", 3);
    int maxSeconds = o.integer("maxSeconds", 1800);
    int maxClients = Integer.parseInt(Proc.openFilesLimit(ProcessHandle.current().pid())) - OWN_FILES;
    for (int n : hostCounts) {
      if (n < 1 || n > 200) {
        throw new IllegalArgumentException("--hosts lists host counts from 1 to 200, not " + n);
      }
    }
    if (clients < 1 || clients > maxClients) {
      throw new IllegalArgumentException("--clients must be 1 to " + maxClients + " (a process here holds at most "
          + (maxClients + OWN_FILES) + " open files, the node and the host process one per client)");
    }
    if (broadcasts < 1 || warmup < 0 || rooms < 0 || rooms > clients || interval < 0 || waitSeconds < 1 || idle < 0) {
      throw new IllegalArgumentException("--broadcasts >= 1, --warmup >= 0, --rooms 0 to --clients, --interval >= 0, --waitSeconds >= 1, --idle >= 0");
    }
    Testbed.checkUsable();
    JsonObject params = new JsonObject().put("hosts", new JsonArray(hostCounts)).put("clients per host", clients)
        .put("broadcasts", broadcasts).put("warmup", warmup).put("interval (ms)", interval).put("rooms", rooms).put("waitSeconds", waitSeconds)
        .put("idle", idle).put("inflight", IN_FLIGHT).put("maxSeconds", maxSeconds);
    Watchdog.arm(maxSeconds);
    JsonObject figures = new JsonObject();
    JsonObject perHost = new JsonObject();
    JsonArray servers = new JsonArray();
    StringBuilder note = new StringBuilder("Per host: connects/s, node RSS and heap per connection (KB), p50/p99/max (ms), lost.");
    for (int n : hostCounts) {
      String label = n + (n == 1 ? " host" : " hosts");
      Curve c = new Curve(n, clients, warmup, broadcasts, interval, rooms, waitSeconds, idle);
      c.measure();
      c.figures.forEach(e -> figures.put(label + ": " + e.getKey(), e.getValue()));
      perHost.put(label, c.perHost);
      servers.add(label);
      note.append(" ").append(label).append(":");
      for (int i = 0; i < c.perHost.size(); i++) {
        JsonObject h = c.perHost.getJsonObject(i);
        note.append(i == 0 ? " " : "; ").append("h").append(i + 1).append(" ").append(h.getValue("connects per second"))
            .append("/s, ").append(h.getValue("node RSS per connection (KB)")).append(" / ").append(h.getValue("node heap per connection after GC (KB)"))
            .append(" KB, ").append(h.getValue("latency p50 (ms)")).append("/").append(h.getValue("latency p99 (ms)")).append("/")
            .append(h.getValue("latency max (ms)")).append(" ms, lost ").append(h.getValue("lost"));
      }
      note.append(".");
    }
    Watchdog.disarm();
    return new JsonObject().put("scenario", "scale").put("parameters", params).put("figures", figures)
        .put("servers", servers).put("perHost", perHost).put("note", note.toString());
  }

  static String address(int host) {
    return NET + "." + host;
  }

  static String room(int k) {
    return ROOM + k;
  }

  /**
   * Ends this process ({@link System#exit}, so the shutdown hooks kill what it started and remove
   * the namespaces) once the run has taken {@code maxSeconds}: every wait below is bounded too, this
   * bounds their sum.
   */
  private static final class Watchdog {
    private static volatile Thread thread;

    static void arm(int maxSeconds) {
      Thread t = new Thread(() -> {
        try {
          Thread.sleep(maxSeconds * 1000L);
        } catch (InterruptedException disarmed) {
          return;
        }
        Bench.progress("scale: the run took more than --maxSeconds " + maxSeconds + ": stopping it");
        System.exit(1);
      }, "bench-scale-watchdog");
      t.setDaemon(true);
      t.start();
      thread = t;
    }

    static void disarm() {
      if (thread != null) {
        thread.interrupt();
      }
    }
  }

  /** One point of the curve: N hosts set up, measured, taken down. */
  private static final class Curve {
    final int n;
    final int clients;
    final int warmup;
    final int broadcasts;
    final int interval;
    final int rooms;
    final int waitSeconds;
    final int idle;
    final JsonObject figures = new JsonObject();
    final JsonArray perHost = new JsonArray();
    final Path logDir;

    Curve(int n, int clients, int warmup, int broadcasts, int interval, int rooms, int waitSeconds, int idle) {
      this.n = n;
      this.clients = clients;
      this.warmup = warmup;
      this.broadcasts = broadcasts;
      this.interval = interval;
      this.rooms = rooms;
      this.waitSeconds = waitSeconds;
      this.idle = idle;
      this.logDir = Path.of("target/bench/scale-logs", n + "-hosts");
    }

    void measure() throws Exception {
      String name = n + (n == 1 ? " host" : " hosts");
      Files.createDirectories(logDir);
      Vertx vertx = Vertx.vertx();
      try (Testbed bed = new Testbed(n)) {
        Bench.progress(name + ": namespaces " + PREFIX + "1.." + PREFIX + n + " on " + NET + ".0/24 (bridge " + PREFIX + "br); starting " + n + " node(s)");
        long[] pids = new long[n];
        long s0 = System.nanoTime();
        for (int i = 1; i <= n; i++) {
          pids[i - 1] = bed.startNode(i, logDir).pid();
        }
        double startSeconds = (System.nanoTime() - s0) / 1e9;
        Bench.progress(name + ": " + n + " node(s) ready in " + Bench.round2(startSeconds) + " s; node memory before the clients");
        long[] rss0 = new long[n];
        long[] heap0 = new long[n];
        for (int i = 0; i < n; i++) {
          heap0[i] = Proc.heapAfterGcKb(pids[i]);
          rss0[i] = Proc.rssKb(pids[i]);
        }
        List<HostProc> hosts = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          hosts.add(bed.startHost(i, clients, rooms, warmup, broadcasts, logDir));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (HostProc h : hosts) {
          h.await("ready", deadline);
        }
        Bench.progress(name + ": connecting " + clients + " clients on each host to its node, " + IN_FLIGHT + " in flight per host");
        long c0 = System.nanoTime();
        for (HostProc h : hosts) {
          h.send(new JsonObject().put("type", "connect"));
        }
        // each connect + subscribe is bounded (Host.CONNECT_TIMEOUT_S); so is their sum
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60 + (long) Math.ceil(clients / (double) IN_FLIGHT) * Host.CONNECT_TIMEOUT_S);
        List<JsonObject> connected = new ArrayList<>();
        long lastConnected = c0;
        for (HostProc h : hosts) {
          JsonObject c = h.await("connected", deadline);
          connected.add(c);
          lastConnected = Math.max(lastConnected, c.getLong("endNanos"));
          Bench.progress("  host " + h.index + ": " + c.encode());
        }
        int subscribed = connected.stream().mapToInt(c -> c.getInteger("subscribed")).sum();
        double connectSeconds = (lastConnected - c0) / 1e9;
        Bench.progress(name + ": " + subscribed + " of " + n * clients + " subscribed in " + Bench.round2(connectSeconds) + " s; node memory with them");
        long[] rss1 = new long[n];
        long[] heap1 = new long[n];
        for (int i = 0; i < n; i++) {
          rss1[i] = Proc.rssKb(pids[i]);
          heap1[i] = Proc.heapAfterGcKb(pids[i]);
        }
        Bench.progress(name + ": the nodes' idle CPU over " + idle + " s");
        long idleCpu0 = cpuMillis(pids);
        long i0 = System.nanoTime();
        Thread.sleep(idle * 1000L); // the nodes at rest: a sampling window, there is nothing to await
        double idleMsPerSecond = idle == 0 ? 0 : (cpuMillis(pids) - idleCpu0) / ((System.nanoTime() - i0) / 1e9);

        Bench.progress(name + ": " + warmup + " warm-up and " + broadcasts + " measured broadcasts on " + ALL + ", one every " + interval + " ms, over host 1's HTTP API"
            + (rooms > 0 ? "; with each, one message to each of " + rooms + " rooms" : ""));
        Publisher pub = new Publisher(vertx, rooms);
        long[] cpu0 = new long[n];
        long start = System.nanoTime();
        long first = start;
        List<Future<Boolean>> acks = new ArrayList<>();
        for (int b = 0; b < warmup + broadcasts; b++) {
          long due = start + TimeUnit.MILLISECONDS.toNanos((long) b * interval);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait); // pacing the publishes: the interval is a span of time, not an event
          }
          if (b == warmup) { // the measured phase: from the first measured publish
            for (int i = 0; i < n; i++) {
              cpu0[i] = Proc.cpuMillis(pids[i]);
            }
            first = System.nanoTime();
          }
          acks.add(pub.broadcast(b));
          acks.addAll(pub.rooms(b));
        }
        long lastPublish = System.nanoTime();
        Future.join(new ArrayList<>(acks)).otherwiseEmpty().await(); // each bounded: Publisher.TIMEOUT_S
        JsonObject expect = new JsonObject().put("type", "expect")
            .put("failed", new JsonArray(new ArrayList<>(pub.failed))).put("failedRooms", new JsonArray(new ArrayList<>(pub.failedRooms)));
        for (HostProc h : hosts) {
          h.send(expect);
        }
        long waitUntil = lastPublish + TimeUnit.SECONDS.toNanos(waitSeconds);
        List<Integer> late = new ArrayList<>();
        for (HostProc h : hosts) {
          if (h.awaitOptional("arrived", waitUntil) == null) {
            late.add(h.index);
          }
        }
        long[] cpu1 = new long[n];
        for (int i = 0; i < n; i++) {
          cpu1[i] = Proc.cpuMillis(pids[i]);
        }
        long phaseEnd = System.nanoTime();
        if (!late.isEmpty()) {
          Bench.progress(name + ": hosts " + late + " still missed deliveries " + waitSeconds + " s after the last publish; counting them as they are");
        }
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<JsonObject> reports = new ArrayList<>();
        for (HostProc h : hosts) {
          h.send(new JsonObject().put("type", "report"));
        }
        for (HostProc h : hosts) {
          reports.add(h.await("report", deadline));
        }
        for (HostProc h : hosts) {
          h.send(new JsonObject().put("type", "stop"));
        }

        // the figures
        Histogram all = new Histogram(3);
        Histogram roomLatency = new Histogram(3);
        long deliveries = 0;
        long roomDeliveries = 0;
        long warmDeliveries = 0;
        long lost = 0;
        long duplicated = 0;
        long errors = 0;
        long lastDelivery = first;
        for (int i = 0; i < n; i++) {
          JsonObject r = reports.get(i);
          JsonObject c = connected.get(i);
          Histogram h = decode(r.getString("latency"));
          all.add(h);
          roomLatency.add(decode(r.getString("roomLatency")));
          deliveries += r.getLong("deliveries");
          roomDeliveries += r.getLong("room deliveries");
          warmDeliveries += r.getLong("warm-up deliveries");
          lost += r.getLong("lost");
          duplicated += r.getLong("duplicated");
          long hostErrors = c.getLong("errors") + r.getLong("closed during the run") + r.getLong("err frames");
          errors += hostErrors;
          if (r.getLong("lastDeliveryNanos") > 0) {
            lastDelivery = Math.max(lastDelivery, r.getLong("lastDeliveryNanos"));
          }
          int hostSubscribed = c.getInteger("subscribed");
          JsonObject ph = new JsonObject().put("host", i + 1).put("address", address(i + 1))
              .put("clients subscribed", hostSubscribed)
              .put("connect + subscribe (s)", c.getDouble("seconds"))
              .put("connects per second", c.getLong("connectsPerSecond"))
              .put("node RSS per connection (KB)", perConnection(rss1[i] - rss0[i], hostSubscribed))
              .put("node heap per connection after GC (KB)", perConnection(heap1[i] - heap0[i], hostSubscribed))
              .put("node CPU over the broadcasts (ms)", cpu1[i] - cpu0[i])
              .put("deliveries", r.getLong("deliveries")).put("room deliveries", r.getLong("room deliveries"))
              .put("lost", r.getLong("lost")).put("duplicated", r.getLong("duplicated"))
              .put("latency p50 (ms)", Bench.ms(h.getValueAtPercentile(50)))
              .put("latency p99 (ms)", Bench.ms(h.getValueAtPercentile(99)))
              .put("latency max (ms)", Bench.ms(h.getMaxValue()))
              .put("errors", hostErrors).put("connect errors", c.getLong("errors")).put("why", c.getJsonArray("why"))
              .put("closed during the run", r.getLong("closed during the run")).put("close codes", r.getJsonObject("close codes"))
              .put("err frames", r.getLong("err frames"));
          perHost.add(ph);
          Bench.progress("  host " + (i + 1) + ": " + ph.encode());
        }
        long total = deliveries + roomDeliveries;
        long nodeCpu = 0;
        for (int i = 0; i < n; i++) {
          nodeCpu += cpu1[i] - cpu0[i];
        }
        double phaseSeconds = (phaseEnd - first) / 1e9;
        long rssGrown = 0;
        long heapGrown = 0;
        for (int i = 0; i < n; i++) {
          rssGrown += rss1[i] - rss0[i];
          heapGrown += heap1[i] - heap0[i];
        }
        int ackedBroadcasts = broadcasts - (int) pub.failed.stream().filter(b -> b >= warmup).count();
        figures.put("clients subscribed", subscribed).put("clients asked for", n * clients)
            .put("nodes started, one after another, to ready (s)", Bench.round2(startSeconds))
            .put("connect + subscribe, every host at once (s)", Bench.round2(connectSeconds))
            .put("connects per second, in all", Math.round(subscribed / Math.max(1e-3, connectSeconds)))
            .put("connects per second, slowest host", connected.stream().mapToLong(c -> c.getLong("connectsPerSecond")).min().orElse(0))
            .put("node RSS per connection (KB)", perConnection(rssGrown, subscribed))
            .put("node heap per connection after GC (KB)", perConnection(heapGrown, subscribed))
            .put("broadcasts acknowledged", ackedBroadcasts)
            .put("deliveries", deliveries)
            .put("deliveries expected", (long) ackedBroadcasts * subscribed)
            .put("warm-up deliveries (not in the figures)", warmDeliveries);
        if (rooms > 0) {
          figures.put("room messages acknowledged", (long) broadcasts * rooms - pub.failedRooms.stream().filter(rk -> rk.getInteger(0) >= warmup).count())
              .put("room deliveries", roomDeliveries);
        }
        figures.put("deliveries per second", Math.round(total / Math.max(1e-3, (lastDelivery - first) / 1e9)))
            .put("last publish to last delivery (ms)", lastDelivery > lastPublish ? Bench.round2((lastDelivery - lastPublish) / 1e6) : 0)
            .put("node CPU per delivery (µs)", total == 0 ? 0 : Bench.round2(nodeCpu * 1000.0 / total))
            .put("node CPU per delivery above idle (µs)", total == 0 ? 0 : Bench.round2((nodeCpu - idleMsPerSecond * phaseSeconds) * 1000.0 / total))
            .put("nodes' idle CPU, all together (ms/s)", Bench.round2(idleMsPerSecond))
            .put("latency p50 (ms)", Bench.ms(all.getValueAtPercentile(50)))
            .put("latency p99 (ms)", Bench.ms(all.getValueAtPercentile(99)))
            .put("latency max (ms)", Bench.ms(all.getMaxValue()));
        if (rooms > 0) {
          figures.put("room latency p50 (ms)", Bench.ms(roomLatency.getValueAtPercentile(50)))
              .put("room latency p99 (ms)", Bench.ms(roomLatency.getValueAtPercentile(99)))
              .put("room latency max (ms)", Bench.ms(roomLatency.getMaxValue()));
        }
        figures.put("lost", lost).put("duplicated", duplicated).put("errors", errors)
            .put("publishes failed", pub.failed.size() + pub.failedRooms.size());
        if (!pub.why.isEmpty()) {
          figures.put("why publishes failed", new JsonArray(new ArrayList<>(pub.why)));
        }
        Bench.progress(name + ": " + figures.encode());
        for (HostProc h : hosts) {
          h.awaitExit(15);
        }
      } finally {
        vertx.close().await();
      }
    }
  }

  private static double perConnection(long kb, int connections) {
    return connections == 0 ? 0 : Bench.round2((double) kb / connections);
  }

  private static long cpuMillis(long[] pids) throws Exception {
    long sum = 0;
    for (long pid : pids) {
      sum += Proc.cpuMillis(pid);
    }
    return sum;
  }

  static String encode(Histogram h) {
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buf);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), length));
  }

  static Histogram decode(String base64) throws Exception {
    return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
  }

  /**
   * The backend: publishes over node 1's HTTP API with a service token; a message whose publish
   * was not acknowledged (2xx with a seq, in {@value #TIMEOUT_S} s) is not expected by anyone.
   */
  private static final class Publisher {
    static final int TIMEOUT_S = 10;
    final HttpClient http;
    final String token;
    final int rooms;
    final Set<Integer> failed = ConcurrentHashMap.newKeySet();
    /** [round, room] of each room message not acknowledged. */
    final Set<JsonArray> failedRooms = ConcurrentHashMap.newKeySet();
    final Set<String> why = ConcurrentHashMap.newKeySet();

    Publisher(Vertx vertx, int rooms) throws Exception {
      this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(address(1)).setDefaultPort(HTTP_PORT),
          new io.vertx.core.http.PoolOptions().setHttp1MaxSize(16));
      this.token = LocalCluster.serviceToken("scale-publisher");
      this.rooms = rooms;
    }

    /** Message b on {@value #ALL}: completes with whether it was acknowledged. */
    Future<Boolean> broadcast(int b) {
      JsonObject data = new JsonObject().put("t", System.nanoTime()).put("b", b);
      return post("/api/v1/channels/" + ALL + "/messages", new JsonObject().put("data", data), 201)
          .map(body -> true)
          .otherwise(err -> {
            failed.add(b);
            note(err);
            return false;
          });
    }

    /** Round r's message to each room, {@value #CHANNELS_PER_PUBLISH} rooms a request. */
    List<Future<Boolean>> rooms(int r) {
      List<Future<Boolean>> out = new ArrayList<>();
      for (int from = 0; from < rooms; from += CHANNELS_PER_PUBLISH) {
        int to = Math.min(rooms, from + CHANNELS_PER_PUBLISH);
        JsonArray channels = new JsonArray();
        for (int k = from; k < to; k++) {
          channels.add(room(k));
        }
        int lo = from;
        JsonObject data = new JsonObject().put("t", System.nanoTime()).put("r", r);
        out.add(post("/api/v1/publish", new JsonObject().put("channels", channels).put("data", data), 200).map(body -> {
          JsonArray results = new JsonObject(body).getJsonArray("results");
          boolean allAcked = true;
          for (int k = lo; k < to; k++) {
            JsonObject res = results == null || k - lo >= results.size() ? null : results.getJsonObject(k - lo);
            if (res == null || res.getValue("seq") == null) {
              failedRooms.add(new JsonArray().add(r).add(k));
              note(new IllegalStateException("room " + k + ": " + (res == null ? "no result" : res.encode())));
              allAcked = false;
            }
          }
          return allAcked;
        }).otherwise(err -> {
          for (int k = lo; k < to; k++) {
            failedRooms.add(new JsonArray().add(r).add(k));
          }
          note(err);
          return false;
        }));
      }
      return out;
    }

    private Future<String> post(String path, JsonObject body, int status) {
      return http.request(HttpMethod.POST, path)
          .compose(req -> req.putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json").send(body.encode()))
          .compose(resp -> resp.body().compose(b -> resp.statusCode() == status ? Future.succeededFuture(b.toString())
              : Future.failedFuture("answered " + resp.statusCode() + " " + b)))
          .timeout(TIMEOUT_S, TimeUnit.SECONDS);
    }

    private void note(Throwable err) {
      if (why.size() < 5) {
        why.add(String.valueOf(err.getMessage()));
      }
    }
  }

  /**
   * The hosts: network namespaces {@code hs1..hsN} on bridge {@code hsbr}, made with the same
   * {@code ip} commands as scripts/netns.sh's hosts_up (a namespace has no default route; the
   * multicast route as there), and the processes started in them. Closing, a shutdown hook
   * (Ctrl-C, SIGTERM, the {@link Watchdog}) or a failure kills those processes and removes every
   * {@code hsN} namespace and the bridge, whatever run left them.
   */
  static final class Testbed implements AutoCloseable {
    private final int hosts;
    private final List<Process> nodes = new CopyOnWriteArrayList<>();
    private final List<Process> others = new CopyOnWriteArrayList<>();
    private final Thread hook = new Thread(this::tearDown, "bench-scale-teardown");
    private boolean down;

    /** Refuses, saying why, unless this process is root and may make network namespaces. */
    static void checkUsable() throws Exception {
      String uid = run(false, "id", "-u").trim();
      if (!uid.equals("0")) {
        throw new Bench.Unavailable("scale needs root (it makes network namespaces with ip netns); this runs as uid " + uid);
      }
      try {
        run(true, "ip", "netns", "add", PREFIX + "-probe");
        run(true, "ip", "netns", "del", PREFIX + "-probe");
      } catch (Exception e) {
        throw new Bench.Unavailable("scale needs ip netns, and this machine refused it: " + e.getMessage());
      }
    }

    Testbed(int hosts) throws Exception {
      this.hosts = hosts;
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        removeNamespaces(); // what a run killed with -9 left
        // another bridge on this subnet (another tool's hosts) would take some of our traffic, and we some of its
        for (String route : run(false, "ip", "-o", "route", "show").split("\n")) {
          if (route.startsWith(NET + ".")) {
            throw new IllegalStateException("the root namespace already routes " + NET + ".0/24 (" + route.trim()
                + "): another set of hosts is up; not making ours beside it");
          }
        }
        ip("link", "add", PREFIX + "br", "type", "bridge");
        ip("addr", "add", NET + ".254/24", "dev", PREFIX + "br");
        ip("link", "set", PREFIX + "br", "up");
        for (int i = 1; i <= hosts; i++) {
          String ns = PREFIX + i;
          ip("netns", "add", ns);
          ip("link", "add", PREFIX + "v" + i, "type", "veth", "peer", "name", "eth0", "netns", ns);
          ip("link", "set", PREFIX + "v" + i, "master", PREFIX + "br", "up");
          ip("-n", ns, "addr", "add", address(i) + "/24", "dev", "eth0");
          ip("-n", ns, "link", "set", "eth0", "up");
          ip("-n", ns, "link", "set", "lo", "up");
          ip("-n", ns, "route", "add", "224.0.0.0/4", "dev", "eth0");
        }
      } catch (Exception e) {
        close();
        throw e;
      }
    }

    /**
     * Node i of this cluster, in namespace hsI on its core (LocalCluster.pinning), the JVM and
     * options LocalCluster's nodes run; returns once it is ready. {@code taskset} and {@code ip
     * netns exec} exec what they run: the process is the node's JVM itself.
     */
    Process startNode(int i, Path logDir) throws Exception {
      JsonObject shipped = new JsonObject(Files.readString(Path.of("conf/cluster-node-1.json")));
      JsonArray members = new JsonArray();
      for (int m = 1; m <= hosts; m++) {
        members.add(address(m) + ":" + CLUSTER_PORT);
      }
      JsonObject conf = new JsonObject()
          .put("node", new JsonObject().put("name", "scale-" + i))
          .put("http", new JsonObject().put("host", address(i)).put("port", HTTP_PORT).put("allowedOrigins", new JsonArray().add("*"))
              .put("apiRatePerSecond", 100_000).put("maxConnectionsPerAddress", 100_000))
          .put("cluster", new JsonObject().put("host", address(i)).put("port", CLUSTER_PORT).put("members", members)
              .put("secret", shipped.getJsonObject("cluster").getString("secret")))
          // the dev secret of conf/cluster-node-1.json: LocalCluster.tokens signs with it
          .put("auth", new JsonObject().put("devTokens", false).put("jwt", shipped.getJsonObject("auth").getJsonObject("jwt").copy()))
          .put("bridge", new JsonObject().put("connectsPerSecond", 1_000_000))
          .put("log", new JsonObject().put("format", "text"))
          .put("roles", new JsonObject().put("gateway", 1).put("auth", 1).put("presence", 1).put("heartbeat", 1).put("broadcast", 1));
      Path confFile = logDir.resolve("node-" + i + ".json");
      Files.writeString(confFile, conf.encodePrettily());
      List<String> cmd = new ArrayList<>(LocalCluster.pinning());
      cmd.addAll(List.of("ip", "netns", "exec", PREFIX + i));
      cmd.addAll(LocalCluster.javaCommand(i));
      cmd.addAll(List.of("-jar", LocalCluster.HERALD_JAR, "-conf", confFile.toString()));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(logDir.resolve("node-" + i + ".log").toFile());
      // the conf file says where the node listens and whom it joins, not a caller's environment
      for (String v : List.of("HERALD_HTTP_PORT", "HERALD_CLUSTER_HOST", "HERALD_CLUSTER_PORT", "HERALD_CLUSTER_MEMBERS",
          "HERALD_CLUSTER_SECRET", "HERALD_JWT_SECRET")) {
        pb.environment().remove(v);
      }
      pb.environment().put("HERALD_CLUSTER_QUORUM", String.valueOf(hosts >= 3 ? hosts / 2 + 1 : 1));
      Process p = start(pb, nodes);
      LocalCluster.awaitReady(p, address(i), HTTP_PORT);
      // ours, not another tool's node at that address
      String ready = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://" + address(i) + ":" + HTTP_PORT + "/ready")).timeout(java.time.Duration.ofSeconds(10)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      if (!("scale-" + i).equals(new JsonObject(ready).getString("node"))) {
        throw new IllegalStateException(address(i) + ":" + HTTP_PORT + " is not node scale-" + i + " (its /ready: " + ready + ")");
      }
      return p;
    }

    /** Host i's client process ({@link Host}), in namespace hsI, on the load generator's core (inherited). */
    HostProc startHost(int i, int clients, int rooms, int warmup, int broadcasts, Path logDir) throws Exception {
      String jar = Path.of(ScaleScenario.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
      List<String> cmd = List.of("ip", "netns", "exec", PREFIX + i, System.getProperty("java.home") + "/bin/java", "-cp", jar,
          Host.class.getName(), String.valueOf(i), address(i), String.valueOf(HTTP_PORT), String.valueOf(clients),
          String.valueOf(rooms), String.valueOf(warmup), String.valueOf(broadcasts));
      Process p = start(new ProcessBuilder(cmd).redirectError(logDir.resolve("host-" + i + ".log").toFile()), others);
      return new HostProc(i, p, logDir.resolve("host-" + i + ".log"));
    }

    private synchronized Process start(ProcessBuilder pb, List<Process> into) throws IOException {
      if (down) {
        throw new IllegalStateException("the test bed is down");
      }
      Process p = pb.start();
      into.add(p);
      return p;
    }

    @Override
    public void close() throws Exception {
      try {
        // the client processes first (they were told to stop), then the nodes, SIGTERM: with no clients left their drain is short
        stop(others, 15);
        stop(nodes, 20);
      } finally {
        tearDown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook runs (or ran) anyway
        }
      }
    }

    private static void stop(List<Process> ps, int seconds) throws InterruptedException {
      ps.forEach(Process::destroy);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      for (Process p : ps) {
        if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          p.destroyForcibly();
        }
      }
    }

    /** Every process started here killed, then the namespaces and the bridge removed. */
    private synchronized void tearDown() {
      if (down) {
        return;
      }
      down = true;
      List<Process> all = new ArrayList<>(others);
      all.addAll(nodes);
      all.forEach(Process::destroyForcibly);
      for (Process p : all) {
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      removeNamespaces();
    }

    /** Every namespace hsN (whichever run made it) and the bridge: a namespace's removal takes its veth pair with it. */
    private static void removeNamespaces() {
      try {
        for (String line : run(false, "ip", "netns", "list").split("\n")) {
          String ns = line.trim().split("\\s+")[0];
          if (ns.matches(PREFIX + "\\d+")) {
            run(false, "ip", "netns", "del", ns);
          }
        }
        for (String line : run(false, "ip", "-o", "link", "show").split("\n")) {
          String[] f = line.split(":\\s+");
          if (f.length > 1) {
            String dev = f[1].split("@")[0];
            if (dev.matches(PREFIX + "v\\d+")) {
              run(false, "ip", "link", "del", dev);
            }
          }
        }
        run(false, "ip", "link", "del", PREFIX + "br");
      } catch (Exception e) {
        System.err.println("[bench] scale: removing the namespaces failed: " + e + " (ip netns list; ip link del " + PREFIX + "br)");
      }
    }

    private static void ip(String... args) throws Exception {
      List<String> cmd = new ArrayList<>(List.of("ip"));
      cmd.addAll(List.of(args));
      run(true, cmd.toArray(String[]::new));
    }

    /** Runs a short command (10 s at most); its output. With {@code check}, a non-zero exit fails. */
    private static String run(boolean check, String... cmd) throws Exception {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + ": no answer in 10 s");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (check && p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": " + text.trim());
      }
      return text;
    }
  }

  /** A host's client process as the orchestrator sees it: JSON lines in, JSON lines out. */
  static final class HostProc {
    final int index;
    private final Process process;
    private final Path log;
    private final PrintWriter in;
    private final BlockingQueue<JsonObject> lines = new LinkedBlockingQueue<>();

    HostProc(int index, Process process, Path log) {
      this.index = index;
      this.process = process;
      this.log = log;
      this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
      Thread reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = out.readLine()) != null) {
            if (line.startsWith("{")) {
              lines.add(new JsonObject(line));
            }
          }
        } catch (Exception ended) {
          // said below, as the process's end
        }
        lines.add(new JsonObject().put("type", "exit"));
      }, "bench-scale-host-" + index);
      reader.setDaemon(true);
      reader.start();
    }

    void send(JsonObject command) {
      in.println(command.encode());
    }

    /** The next line of this type, before the deadline; fails if the process ended or the deadline passed. */
    JsonObject await(String type, long deadlineNanos) throws Exception {
      JsonObject line = awaitOptional(type, deadlineNanos);
      if (line == null) {
        throw new IllegalStateException("host " + index + " did not say '" + type + "' in time (its log: " + log + ")");
      }
      return line;
    }

    /** The next line of this type, or null once the deadline passed; fails if the process ended. */
    JsonObject awaitOptional(String type, long deadlineNanos) throws Exception {
      while (true) {
        JsonObject line = lines.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
          return null;
        }
        if (line.getString("type", "").equals("exit")) {
          throw new IllegalStateException("host " + index + "'s client process ended (its log: " + log + ")");
        }
        if (line.getString("type", "").equals(type)) {
          return line;
        }
      }
    }

    void awaitExit(int seconds) throws InterruptedException {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /**
   * One host's clients, in a process of their own inside the host's namespace ({@code java -cp
   * herald-bench.jar dev.herald.bench.ScaleScenario$Host HOST ADDRESS PORT CLIENTS ROOMS
   * BROADCASTS}), driven over stdin/stdout, a JSON object a line each way. Says {@code ready} once
   * its tokens are signed (user {@code scale-hHOST-i} per client). {@code connect}: CLIENTS
   * raw-WebSocket clients to ADDRESS:PORT, {@value ScaleScenario#IN_FLIGHT} in flight, each
   * subscribed to {@value ScaleScenario#ALL} (and room i % ROOMS), each bounded by {@value
   * #CONNECT_TIMEOUT_S} s; answered {@code connected} (seconds, subscribed, errors, connects per
   * second). {@code expect} names the messages not acknowledged; {@code arrived} comes as soon as
   * every subscribed client has every acknowledged one. {@code report}: deliveries, lost,
   * duplicated, errors, the last delivery's nanoTime, latency histograms. {@code stop} (or stdin
   * closed): the clients close and the process ends.
   */
  static final class Host {
    static final int CONNECT_TIMEOUT_S = 30;

    private final int clients;
    private final int rooms;
    private final int warmup;
    /** Messages on {@value ScaleScenario#ALL} in all, the warm-ups (the first {@code warmup}) included; as many rounds of the rooms. */
    private final int broadcasts;
    /** Items: broadcast b is b; round r's message to room k is broadcasts + r * rooms + k. */
    private final int[] received;
    private final int[] members;
    private boolean[] acked;
    private long pending;
    private boolean announced;
    private final Object lock = new Object();
    private final Recorder latency = new Recorder(3);
    private final Recorder roomLatency = new Recorder(3);
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong roomDeliveries = new AtomicLong();
    private final AtomicLong warmDeliveries = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong errFrames = new AtomicLong();
    private final AtomicLong closedDuringRun = new AtomicLong();
    /** Close code (or -1: none) to how many of the closes during the run had it: who ended them, and why. */
    private final ConcurrentHashMap<Integer, AtomicLong> closeCodes = new ConcurrentHashMap<>();
    private final AtomicLong lastDelivery = new AtomicLong();
    private final BridgeClient[] connections;
    private final boolean[] subscribed;
    private final BitSet[] seen;
    private volatile boolean stopping;

    private Host(int clients, int rooms, int warmup, int broadcasts) {
      this.clients = clients;
      this.rooms = rooms;
      this.warmup = warmup;
      this.broadcasts = warmup + broadcasts;
      this.received = new int[this.broadcasts + this.broadcasts * rooms];
      this.members = new int[received.length];
      this.connections = new BridgeClient[clients];
      this.subscribed = new boolean[clients];
      this.seen = new BitSet[clients];
    }

    public static void main(String[] args) throws Exception {
      int host = Integer.parseInt(args[0]);
      String address = args[1];
      int port = Integer.parseInt(args[2]);
      int clients = Integer.parseInt(args[3]);
      int rooms = Integer.parseInt(args[4]);
      int warmup = Integer.parseInt(args[5]);
      int broadcasts = Integer.parseInt(args[6]);
      Host h = new Host(clients, rooms, warmup, broadcasts);
      Vertx vertx = Vertx.vertx();
      WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
          .setConnectTimeout(CONNECT_TIMEOUT_S * 1000));
      List<String> tokens = LocalCluster.tokens("scale-h" + host + "-", clients, new JsonObject().put("channels", new JsonArray().add("scale.*")));
      say(new JsonObject().put("type", "ready"));
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        JsonObject cmd = new JsonObject(line);
        String type = cmd.getString("type");
        if (type.equals("stop")) {
          break;
        }
        switch (type) {
          case "connect" -> say(h.connect(vertx, ws, address, port, tokens));
          case "expect" -> h.expect(cmd);
          case "report" -> say(h.report());
          default -> System.err.println("host: unknown command " + line);
        }
      }
      h.stopping = true;
      List<Future<Void>> closed = new ArrayList<>();
      for (BridgeClient c : h.connections) {
        if (c != null) {
          closed.add(c.close());
        }
      }
      Future.join(closed).timeout(10, TimeUnit.SECONDS).otherwiseEmpty().await();
      vertx.close().timeout(10, TimeUnit.SECONDS).otherwiseEmpty().await();
      System.exit(0);
    }

    private static void say(JsonObject line) {
      synchronized (System.out) {
        System.out.println(line.encode());
        System.out.flush();
      }
    }

    private JsonObject connect(Vertx vertx, WebSocketClient ws, String address, int port, List<String> tokens) throws Exception {
      AtomicInteger errors = new AtomicInteger();
      Set<String> why = ConcurrentHashMap.newKeySet();
      long t0 = System.nanoTime();
      Bench.bounded(clients, IN_FLIGHT, i -> {
        seen[i] = new BitSet(2 * broadcasts);
        Future<BridgeClient> c = BridgeClient.connect(vertx, ws, address, port, tokens.get(i), null, 5000).compose(bc -> {
          connections[i] = bc;
          bc.closed().onComplete(code -> {
            if (!stopping && subscribed[i]) {
              closedDuringRun.incrementAndGet();
              int k = code.succeeded() && code.result() != null ? code.result() : -1;
              closeCodes.computeIfAbsent(k, x -> new AtomicLong()).incrementAndGet();
            }
          });
          bc.register(Wire.channel(ALL), f -> onFrame(i, f, false));
          if (rooms > 0) {
            bc.register(Wire.channel(room(i % rooms)), f -> onFrame(i, f, true));
          }
          // the barrier's answer says both registers were handled: messages on them reach this client
          return bc.sync().map(bc);
        });
        return c.timeout(CONNECT_TIMEOUT_S, TimeUnit.SECONDS).<Void>map(bc -> {
          synchronized (lock) {
            subscribed[i] = true;
          }
          return null;
        }).recover(err -> {
          errors.incrementAndGet();
          if (why.size() < 5) {
            why.add(String.valueOf(err.getMessage()));
          }
          c.onSuccess(BridgeClient::close); // one that makes it after its time does not count: gone
          return Future.succeededFuture();
        });
      });
      long t1 = System.nanoTime();
      int ok = 0;
      synchronized (lock) {
        for (int i = 0; i < clients; i++) {
          if (subscribed[i]) {
            ok++;
          }
        }
      }
      double seconds = (t1 - t0) / 1e9;
      return new JsonObject().put("type", "connected").put("seconds", Bench.round2(seconds)).put("subscribed", ok)
          .put("errors", errors.get()).put("why", new JsonArray(new ArrayList<>(why)))
          .put("connectsPerSecond", Math.round(ok / Math.max(1e-3, seconds))).put("startNanos", t0).put("endNanos", t1);
    }

    /** A frame on one of client i's channels. */
    private void onFrame(int i, JsonObject f, boolean room) {
      long now = System.nanoTime();
      if (!"rec".equals(f.getString("type")) || !(f.getValue("body") instanceof JsonObject m) || !(m.getValue("data") instanceof JsonObject data)) {
        errFrames.incrementAndGet();
        System.err.println("host: client " + i + " got " + f.encode());
        return;
      }
      int k = room ? data.getInteger("r", -1) : data.getInteger("b", -1);
      if (k < 0 || k >= broadcasts) {
        errFrames.incrementAndGet();
        return;
      }
      int bit = room ? broadcasts + k : k;
      int item = room ? broadcasts + k * rooms + i % rooms : k;
      boolean announce = false;
      synchronized (lock) {
        if (!subscribed[i]) {
          return; // one that did not subscribe in time counts for nothing
        }
        if (seen[i].get(bit)) {
          duplicated.incrementAndGet();
          return;
        }
        seen[i].set(bit);
        received[item]++;
        if (acked != null && acked[item]) {
          pending--;
          if (pending == 0 && !announced) {
            announced = true;
            announce = true;
          }
        }
      }
      if (k < warmup) {
        warmDeliveries.incrementAndGet();
      } else {
        long micros = Math.max(0, (now - data.getLong("t")) / 1000);
        (room ? roomLatency : latency).recordValue(micros);
        (room ? roomDeliveries : deliveries).incrementAndGet();
      }
      lastDelivery.accumulateAndGet(now, Math::max);
      if (announce) {
        say(new JsonObject().put("type", "arrived"));
      }
    }

    /** Which messages every subscribed client should have: all but those the orchestrator names as not acknowledged. */
    private void expect(JsonObject cmd) {
      boolean[] a = new boolean[received.length];
      java.util.Arrays.fill(a, true);
      for (Object b : cmd.getJsonArray("failed")) {
        a[(Integer) b] = false;
      }
      for (Object rk : cmd.getJsonArray("failedRooms")) {
        JsonArray pair = (JsonArray) rk;
        a[broadcasts + pair.getInteger(0) * rooms + pair.getInteger(1)] = false;
      }
      boolean announce;
      synchronized (lock) {
        int all = 0;
        int[] inRoom = new int[Math.max(1, rooms)];
        for (int i = 0; i < clients; i++) {
          if (subscribed[i]) {
            all++;
            if (rooms > 0) {
              inRoom[i % rooms]++;
            }
          }
        }
        for (int item = 0; item < received.length; item++) {
          members[item] = item < broadcasts ? all : inRoom[(item - broadcasts) % rooms];
        }
        acked = a;
        pending = missing();
        announce = pending == 0 && !announced;
        announced |= announce;
      }
      if (announce) {
        say(new JsonObject().put("type", "arrived"));
      }
    }

    private JsonObject closeCodesJson() {
      JsonObject out = new JsonObject();
      closeCodes.forEach((code, n) -> out.put(code < 0 ? "none" : String.valueOf(code), n.get()));
      return out;
    }

    /** Receipts still missing of acknowledged messages, by subscribed clients (under the lock). */
    private long missing() {
      long m = 0;
      for (int item = 0; item < received.length; item++) {
        if (acked[item]) {
          m += Math.max(0, members[item] - received[item]);
        }
      }
      return m;
    }

    private JsonObject report() {
      long lost;
      synchronized (lock) {
        lost = acked == null ? -1 : missing();
      }
      Histogram h = latency.getIntervalHistogram();
      Histogram r = roomLatency.getIntervalHistogram();
      return new JsonObject().put("type", "report").put("deliveries", deliveries.get()).put("room deliveries", roomDeliveries.get())
          .put("warm-up deliveries", warmDeliveries.get()).put("lost", lost).put("duplicated", duplicated.get()).put("err frames", errFrames.get())
          .put("closed during the run", closedDuringRun.get()).put("close codes", closeCodesJson()).put("lastDeliveryNanos", lastDelivery.get())
          .put("latency", encode(h)).put("roomLatency", encode(r))
          .put("p50 (ms)", Bench.ms(h.getValueAtPercentile(50))).put("p99 (ms)", Bench.ms(h.getValueAtPercentile(99)))
          .put("max (ms)", Bench.ms(h.getMaxValue()));
    }
  }
}
