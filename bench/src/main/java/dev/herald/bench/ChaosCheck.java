package dev.herald.bench;

import dev.herald.token.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The chaos suite's checker, as Jepsen's are: reads what every client process saw, then the
 * cluster's history and presence once the fault healed, and counts what breaks a promise of
 * docs/protocol.md: an acknowledged message missing from history (lost) or stored twice
 * (duplicated); a seq seen or acknowledged with another message than history keeps there
 * (forked); a message delivered that history, keeping those around it, lacks; seqs that went
 * backwards for a subscriber; gaps history cannot fill; presence that
 * does not match who is connected, on any node, within the wait; and, where the fault should not
 * cause one ({@code --noFlap true}), an {@code offline} event seen for a user still connected at
 * the end; a subscriber that stopped receiving before the quiet end of the run (it lacks the last
 * seq acknowledged before it stopped recording, which no later message would show as a gap).
 * A channel whose epoch changed during the run broke the promise too, except under a double
 * fault ({@code --doubleFault true}: the owner and the backup of a channel killed together), where
 * it is what must happen: its acknowledged messages that history lacks are counted as lost to the
 * new epoch (announced to every subscriber by the epoch change, {@code recovered: false}), not as
 * lost or forked; a seq delivered with two messages within one epoch is a fork there as anywhere.
 * Exit status 1 if any.
 */
final class ChaosCheck {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<String> nodes;
  private final String token;

  private ChaosCheck(List<String> nodes, String secret) {
    this.nodes = nodes;
    this.token = TestTokens.hs256(secret, TestTokens.claims("chaos-check").put("roles", new JsonArray().add("service")));
  }

  static int run(Bench.Options o) throws Exception {
    ChaosCheck check = new ChaosCheck(List.of(o.string("nodes", "127.0.0.1:8081").split(",")), o.string("secret", ""));
    List<JsonObject> clients = new ArrayList<>();
    try (var files = Files.list(Path.of(o.string("dir", "run/chaos")))) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("client-") && p.toString().endsWith(".json")).sorted().toList()) {
        clients.add(new JsonObject(Files.readString(f)));
      }
    }
    JsonObject result = check.check(clients, o.integer("channels", 4), o.integer("presenceWaitSeconds", 30),
        Boolean.parseBoolean(o.string("noFlap", "false")), Boolean.parseBoolean(o.string("doubleFault", "false")));
    result.put("scenario", o.string("scenario", "?")).put("fault", o.string("fault", "")).put("hosts", o.string("hosts", ""));
    System.out.println(result.encodePrettily());
    String report = o.string("report", "none");
    if (!report.equals("none")) {
      Files.writeString(Path.of(report), row(result) + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
    return result.getBoolean("ok") ? 0 : 1;
  }

  /** @param noFlap whether the fault should leave every connected user online throughout (a drain, a crash whose users reconnect) */
  private JsonObject check(List<JsonObject> clients, int channels, int presenceWaitSeconds, boolean noFlap, boolean doubleFault) throws Exception {
    Map<String, TreeMap<Long, Object>> history = new HashMap<>();
    Map<String, String> epochs = new HashMap<>();
    /** Per channel, every message in history: an ack is looked up here, not searched for in the seq map. */
    Map<String, Set<Object>> stored = new HashMap<>();
    int duplicated = 0;
    for (int k = 0; k < channels; k++) {
      String ch = "chaos.c" + k;
      TreeMap<Long, Object> h = new TreeMap<>();
      Set<Object> datas = new HashSet<>();
      long since = 0;
      while (true) {
        JsonObject page = get("/api/v1/channels/" + ch + "/messages?since=" + since + "&limit=100");
        epochs.put(ch, page.getString("epoch"));
        JsonArray ms = page.getJsonArray("messages");
        for (Object m : ms) {
          JsonObject msg = (JsonObject) m;
          h.put(msg.getLong("seq"), msg.getValue("data"));
          if (!datas.add(msg.getValue("data"))) {
            duplicated++;
          }
          since = msg.getLong("seq");
        }
        if (ms.isEmpty() || since >= page.getLong("nextSeq") - 1) {
          break;
        }
      }
      history.put(ch, h);
      stored.put(ch, datas);
    }
    // channels whose epoch changed during the run (a subscriber received a message of another
    // epoch), and when the epoch history holds was first seen: an ack answered after that is of
    // the new epoch, and must be in history like any other (all clients share one host's clock)
    Set<String> newEpoch = new HashSet<>();
    Map<String, Long> newEpochFrom = new HashMap<>();
    for (JsonObject c : clients) {
      for (Object o : c.getJsonArray("events")) {
        JsonObject e = (JsonObject) o;
        if (!"recv".equals(e.getString("t"))) {
          continue;
        }
        if (!e.getString("epoch").equals(epochs.get(e.getString("channel")))) {
          newEpoch.add(e.getString("channel"));
        } else {
          newEpochFrom.merge(e.getString("channel"), e.getLong("at"), Math::min);
        }
      }
    }
    int lostToNewEpoch = 0;
    int acked = 0, lost = 0, forked = 0, errors = 0, received = 0, backwards = 0, gaps = 0, unrecoverable = 0, flaps = 0, notKept = 0;
    /** Per subscriber and channel in the channel's current epoch, the last seq it received. */
    Map<String, Long> lastSeen = new HashMap<>();
    Set<String> alive = new HashSet<>();
    clients.forEach(c -> c.getJsonArray("alive").forEach(u -> alive.add((String) u)));
    for (JsonObject c : clients) {
      Map<String, Long> last = new HashMap<>();
      for (Object o : c.getJsonArray("events")) {
        JsonObject e = (JsonObject) o;
        switch (e.getString("t")) {
          case "ack" -> {
            acked++;
            TreeMap<Long, Object> h = history.get(e.getString("channel"));
            boolean inHistory = stored.get(e.getString("channel")).contains(e.getValue("data"));
            boolean beforeNewEpoch = e.getLong("at") < newEpochFrom.getOrDefault(e.getString("channel"), Long.MAX_VALUE);
            if (newEpoch.contains(e.getString("channel")) && beforeNewEpoch && (!inHistory || !e.getValue("data").equals(h.get(e.getLong("seq"))))) {
              lostToNewEpoch++; // an ack carries no epoch: one of the old epoch's, or its seq reused by the new one
            } else if (!inHistory) {
              lost++;
            } else if (!e.getValue("data").equals(h.get(e.getLong("seq")))) {
              forked++;
            }
          }
          case "err" -> errors++;
          case "presence" -> {
            if ("offline".equals(e.getString("status")) && alive.contains(e.getString("subject"))) {
              flaps++;
            }
          }
          case "recv" -> {
            received++;
            String key = e.getString("user") + "|" + e.getString("channel") + "|" + e.getString("epoch");
            long seq = e.getLong("seq");
            TreeMap<Long, Object> h = history.get(e.getString("channel"));
            boolean current = e.getString("epoch").equals(epochs.get(e.getString("channel")));
            if (current && h.containsKey(seq) && !h.get(seq).equals(e.getValue("data"))) {
              forked++;
            } else if (current && !h.isEmpty() && seq > h.firstKey() && seq < h.lastKey() && !h.containsKey(seq)) {
              notKept++; // delivered, and history (which keeps all around it) lacks it
            }
            if (current) {
              lastSeen.merge(e.getString("user") + "|" + e.getString("channel"), seq, Math::max);
            }
            Long prev = last.put(key, seq);
            if (prev != null && seq <= prev) {
              backwards++;
            } else if (prev != null && seq > prev + 1 && current) {
              gaps++;
              for (long s = prev + 1; s < seq; s++) {
                if (!h.containsKey(s)) {
                  unrecoverable++;
                  break;
                }
              }
            }
          }
          default -> { }
        }
      }
    }
    // subscribers that stopped receiving: each client ends quietly (no new publish, the last ones
    // answered, then ChaosClient.DRAIN_MS for deliveries), so each of its subscribers must have the
    // last seq acknowledged on each channel before it stopped recording, by whichever client; one
    // short of it missed the messages before the quiet end, which no later message shows as a gap
    int behind = 0;
    long tailMissed = 0;
    int subscriptionsChecked = 0;
    JsonArray behindWho = new JsonArray();
    for (JsonObject c : clients) {
      long until = c.getLong("stoppedAt", Long.MAX_VALUE) - ChaosClient.DRAIN_MS;
      for (String channel : history.keySet()) {
        long expected = 0;
        for (JsonObject other : clients) {
          for (Object o : other.getJsonArray("events")) {
            JsonObject e = (JsonObject) o;
            // an ack of the history's epoch (one lost to a new epoch cannot be expected)
            if ("ack".equals(e.getString("t")) && channel.equals(e.getString("channel")) && e.getLong("at") <= until
                && e.getValue("data").equals(history.get(channel).get(e.getLong("seq")))) {
              expected = Math.max(expected, e.getLong("seq"));
            }
          }
        }
        for (Object u : c.getJsonArray("alive")) {
          String user = (String) u;
          if (!user.startsWith("u-")) {
            continue; // the publisher
          }
          subscriptionsChecked++;
          long got = lastSeen.getOrDefault(user + "|" + channel, 0L);
          if (got < expected) {
            behind++;
            tailMissed += expected - got;
            if (behindWho.size() < 12) {
              behindWho.add(user + " " + channel + ": last seq " + got + " of " + expected);
            }
          }
        }
      }
    }
    JsonObject presence = presence(clients, presenceWaitSeconds);
    JsonObject memory = new JsonObject();
    for (String n : nodes) {
      memory.put(n, heapMb(n));
    }
    // a run that compared nothing proves nothing: no ack, no message received, or a channel with no
    // history (clients that could not publish, or a frame the clients no longer read)
    // nor does one whose subscribers were all gone at the end (no tail compared), or a changed epoch
    // no subscriber received a message of (nothing says the new epoch reached anyone)
    boolean compared = acked > 0 && received > 0 && history.values().stream().noneMatch(TreeMap::isEmpty) && subscriptionsChecked > 0
        && newEpochFrom.keySet().containsAll(newEpoch);
    boolean ok = compared && lost == 0 && forked == 0 && duplicated == 0 && backwards == 0 && unrecoverable == 0 && notKept == 0 && behind == 0
        && (doubleFault || newEpoch.isEmpty())
        && presence.getBoolean("converged") && (!noFlap || flaps == 0);
    return new JsonObject().put("ok", ok).put("compared", compared).put("acked", acked).put("lost", lost).put("duplicated", duplicated).put("forked", forked)
        .put("publishErrors", errors).put("received", received).put("seqBackwards", backwards).put("gaps", gaps)
        .put("unrecoverableGaps", unrecoverable).put("deliveredNotKept", notKept)
        .put("channelsInNewEpoch", newEpoch.size()).put("lostToNewEpoch", lostToNewEpoch).put("subscriptionsChecked", subscriptionsChecked).put("subscribersBehindAtEnd", behind).put("behind", behindWho).put("tailMessagesMissed", tailMissed).put("offlineFlaps", flaps).put("noFlapExpected", noFlap).put("presence", presence).put("heapMb", memory).put("epochs", new JsonObject(new HashMap<>(epochs)));
  }

  /** Waits until every node's presence matches who is connected at the end (and the rest offline). */
  private JsonObject presence(List<JsonObject> clients, int waitSeconds) throws Exception {
    Map<String, String> truth = new TreeMap<>();
    for (JsonObject c : clients) {
      for (Object o : c.getJsonArray("events")) {
        JsonObject e = (JsonObject) o;
        if ("connected".equals(e.getString("t"))) {
          truth.put(e.getString("user"), "offline");
        }
      }
      c.getJsonArray("alive").forEach(u -> truth.put((String) u, "online"));
    }
    long start = System.nanoTime();
    int wrong = truth.size() * nodes.size();
    JsonArray wrongNow = new JsonArray();
    while (true) {
      wrongNow = new JsonArray();
      for (String n : nodes) {
        JsonObject users = post(n, "/api/v1/presence/query", new JsonObject().put("users", new JsonArray(new ArrayList<>(truth.keySet()))))
            .getJsonObject("users");
        for (Map.Entry<String, String> t : truth.entrySet()) {
          String status = users.getJsonObject(t.getKey()).getString("status");
          if ("offline".equals(status) != "offline".equals(t.getValue())) {
            wrongNow.add(n + " " + t.getKey() + " " + status + " (truth " + t.getValue() + ")");
          }
        }
      }
      wrong = wrongNow.size();
      if (wrong == 0 || System.nanoTime() - start > waitSeconds * 1_000_000_000L) {
        break;
      }
      Thread.sleep(500);
    }
    return new JsonObject().put("converged", wrong == 0).put("users", truth.size()).put("seconds", (System.nanoTime() - start) / 1e9)
        .put("wrong", wrongNow);
  }

  private JsonObject get(String path) throws Exception {
    Exception last = null;
    for (String n : nodes) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + n + path)).timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return new JsonObject(r.body());
        }
        last = new IllegalStateException(n + path + ": " + r.statusCode() + " " + r.body());
      } catch (java.io.IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private JsonObject post(String node, String path, JsonObject body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + node + path)).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(node + path + ": " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body());
  }

  private long heapMb(String node) {
    try {
      String text = http.send(HttpRequest.newBuilder(URI.create("http://" + node + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      double bytes = 0;
      for (String line : text.split("\n")) {
        if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
          bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return Math.round(bytes / 1e6);
    } catch (Exception e) {
      return -1;
    }
  }

  private static String row(JsonObject r) {
    JsonObject p = r.getJsonObject("presence");
    return "| " + r.getString("scenario") + " | " + r.getString("fault") + " | " + r.getString("hosts") + " | " + r.getInteger("acked") + " | "
        + r.getInteger("lost") + " | " + r.getInteger("duplicated") + " | " + r.getInteger("forked") + " | " + r.getInteger("publishErrors") + " | "
        + r.getInteger("gaps") + " / " + r.getInteger("unrecoverableGaps") + " | " + r.getInteger("deliveredNotKept") + " | "
        + r.getInteger("channelsInNewEpoch") + " / " + r.getInteger("lostToNewEpoch") + " | "
        + r.getInteger("subscribersBehindAtEnd") + " / " + r.getLong("tailMessagesMissed") + " | " + r.getInteger("offlineFlaps") + " | " + (p.getBoolean("converged") ? String.format("%.1f s", p.getDouble("seconds")) : "no")
        + " | " + r.getJsonObject("heapMb").stream().map(e -> String.valueOf(e.getValue())).reduce((a, b) -> a + ", " + b).orElse("") + " | " + (r.getBoolean("ok") ? "yes" : "**no**") + " |";
  }
}
