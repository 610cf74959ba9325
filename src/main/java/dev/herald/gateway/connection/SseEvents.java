package dev.herald.gateway.connection;

import dev.herald.protocol.Addresses;
import dev.herald.protocol.message.HistoryQuery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Server-Sent Events client reads (docs/protocol.md, "Server-Sent Events"): the bridge's
 * frames, as the bridge writes them to any connection, turned into SSE events, and the history
 * reads that keep each channel's stream whole, as {@code /herald-client.js} does on a WebSocket:
 * a stream resumed from a {@code Last-Event-ID}, a hole in the live stream, or a new epoch is
 * filled from history before the live messages that waited go on, each seq once, in order. Every
 * channel message carries the id: the position of every channel of the stream. Pure: the SSE
 * socket writes the text and sends the requests as the client's frames.
 */
public final class SseEvents {

  /** Messages of a channel kept while its history is read; past them, the read starts again from where it got. */
  static final int MAX_WAITING = 1000;
  private static final String REPLY_PREFIX = "sse.h.";
  /** The reply address of the stream's last first frame: its session, once every registration before it is in place. */
  public static final String READY = "sse.ready";

  /** Where a channel's stream stands: its epoch's first 8 characters and the last seq written. */
  public record Position(String epoch, long seq) {
  }

  /** What one frame gives: SSE text to write (maybe empty) and frames to send as the client's. */
  record Output(String text, List<JsonObject> requests) {
  }

  private static final class Stream {
    final String channel;
    String epoch;
    String fullEpoch;
    long lastSeq = -1;
    boolean recovering;
    String reason;
    boolean recoveredSoFar = true;
    int replayed;
    boolean overflow;
    final List<JsonObject> waiting = new ArrayList<>();

    Stream(String channel) {
      this.channel = channel;
    }
  }

  private final Map<String, Stream> streams = new LinkedHashMap<>();
  private final Map<String, String> byReply = new HashMap<>();
  private long replies;

  /**
   * Parses a {@code Last-Event-ID}: {@code channel/epoch8/seq} entries separated by spaces.
   *
   * @return the positions, or null when it is not one of ours
   */
  public static Map<String, Position> parseId(String id, int maxChannels) {
    Map<String, Position> out = new LinkedHashMap<>();
    if (id == null || id.isBlank()) {
      return out;
    }
    String[] entries = id.trim().split(" ");
    if (entries.length > maxChannels) {
      return null;
    }
    for (String e : entries) {
      String[] p = e.split("/", -1);
      if (p.length != 3 || !dev.herald.protocol.Names.isChannel(p[0]) || !p[1].matches("[0-9a-f-]{8}") || !p[2].matches("[0-9]{1,18}")) {
        return null;
      }
      out.put(p[0], new Position(p[1], Long.parseLong(p[2])));
    }
    return out;
  }

  /**
   * A stream of {@code channels}, resumed from {@code resume} (positions of a {@code Last-Event-ID}):
   * the history reads to start with.
   */
  public List<JsonObject> open(Iterable<String> channels, Map<String, Position> resume) {
    List<JsonObject> out = new ArrayList<>();
    for (String c : channels) {
      stream(c);
    }
    resume.forEach((channel, p) -> {
      Stream s = stream(channel);
      s.epoch = p.epoch();
      s.lastSeq = p.seq();
      out.add(recover(s, "reconnect", p.seq()));
    });
    return out;
  }

  private Stream stream(String channel) {
    return streams.computeIfAbsent(channel, Stream::new);
  }

  /** The id every channel message carries: each channel's position. */
  String id() {
    StringBuilder b = new StringBuilder();
    for (Stream s : streams.values()) {
      if (s.epoch != null && s.lastSeq >= 0) {
        if (b.length() > 0) {
          b.append(' ');
        }
        b.append(s.channel).append('/').append(s.epoch).append('/').append(s.lastSeq);
      }
    }
    return b.toString();
  }

  /** One frame the bridge wrote to the connection. */
  public Output onFrame(JsonObject frame) {
    StringBuilder text = new StringBuilder();
    List<JsonObject> requests = new ArrayList<>(0);
    String address = frame.getString("address");
    if ("err".equals(frame.getString("type"))) {
      if ("closed".equals(frame.getValue("body"))) {
        if (frame.getValue("retryAfterMs") instanceof Number n) {
          text.append("retry: ").append(Math.max(0, n.longValue())).append('\n');
        }
        event(text, "close", new JsonObject().put("code", frame.getValue("failureCode")).put("reason", frame.getValue("message")));
      } else {
        String channel = address == null ? null : byReply.get(address);
        if (channel != null) {
          Stream s = streams.get(channel);
          byReply.remove(address);
          finish(s, false, frame, text, requests);
        } else {
          event(text, "error", new JsonObject().put("address", address).put("code", frame.getValue("failureCode"))
              .put("message", frame.getValue("message")));
          if (address == null) {
            // a refusal of a frame that names nothing (the frame rate): it may be one of our reads,
            // whose answer would never come; each pending read ends failed
            for (String reply : List.copyOf(byReply.keySet())) {
              Stream s = streams.get(byReply.remove(reply));
              if (s != null && s.recovering) {
                finish(s, false, frame, text, requests);
              }
            }
          }
        }
      }
      return new Output(text.toString(), requests);
    }
    if (address == null) {
      return new Output("", requests);
    }
    String replyTo = byReply.remove(address);
    if (READY.equals(address)) {
      event(text, "ready", frame.getValue("body"));
    } else if (replyTo != null) {
      history(streams.get(replyTo), frame.getJsonObject("body"), text, requests);
    } else if (address.startsWith(Addresses.CHANNEL_PREFIX)) {
      String channel = address.substring(Addresses.CHANNEL_PREFIX.length());
      Stream s = stream(channel);
      JsonObject m;
      if (frame.getValue("body") instanceof JsonArray a) {
        m = new JsonObject().put("channel", channel).put("seq", a.getValue(0)).put("epoch", s.fullEpoch).put("data", a.getValue(1));
        if (a.size() > 2 && a.getValue(2) != null) {
          m.put("from", a.getValue(2));
        }
      } else {
        m = frame.getJsonObject("body");
        s.fullEpoch = m.getString("epoch");
      }
      live(s, m, text, requests);
    } else {
      event(text, kind(address), frame.getValue("body"));
    }
    return new Output(text.toString(), requests);
  }

  private static String kind(String address) {
    return switch (Addresses.parse(address).kind()) {
      case PRESENCE_USER -> "presence";
      case MEMBERS -> "members";
      case INBOX -> "inbox";
      case NOTICES -> "notice";
      default -> "event";
    };
  }

  private void live(Stream s, JsonObject m, StringBuilder text, List<JsonObject> requests) {
    if (s.recovering) {
      if (s.waiting.size() < MAX_WAITING) {
        s.waiting.add(m);
      } else {
        s.overflow = true; // history holds them: read again from where the read got
      }
      return;
    }
    String epoch = shortEpoch(m.getString("epoch"));
    long seq = m.getLong("seq");
    if (s.epoch != null && epoch != null && !epoch.equals(s.epoch)) {
      // a new epoch: the old one's messages past lastSeq are gone; the new one is read from its start
      s.epoch = epoch;
      s.lastSeq = 0;
      s.recoveredSoFar = false;
      s.waiting.add(m);
      requests.add(recover(s, "epoch", 0));
    } else if (s.lastSeq >= 0 && s.epoch != null && seq > s.lastSeq + 1) {
      s.waiting.add(m);
      requests.add(recover(s, "gap", s.lastSeq));
    } else if (s.lastSeq < 0 || seq > s.lastSeq) {
      write(s, m, text);
    }
  }

  private void write(Stream s, JsonObject m, StringBuilder text) {
    if (m.getString("epoch") != null) {
      s.fullEpoch = m.getString("epoch");
    }
    s.epoch = shortEpoch(s.fullEpoch);
    s.lastSeq = m.getLong("seq");
    text.append("id: ").append(id()).append('\n');
    event(text, "message", m);
  }

  private JsonObject recover(Stream s, String reason, long since) {
    if (!s.recovering) {
      s.recovering = true;
      s.reason = reason;
      s.replayed = 0;
      s.recoveredSoFar = s.recoveredSoFar && !"epoch".equals(reason);
    }
    String reply = REPLY_PREFIX + replies++;
    byReply.put(reply, s.channel);
    return new JsonObject().put("type", "send").put("address", Addresses.CHANNEL_HISTORY).put("replyAddress", reply)
        .put("body", new JsonObject().put("channel", s.channel).put("since", since).put("limit", HistoryQuery.MAX_LIMIT));
  }

  private void history(Stream s, JsonObject h, StringBuilder text, List<JsonObject> requests) {
    String epoch = shortEpoch(h.getString("epoch"));
    if (s.epoch != null && epoch != null && !epoch.equals(s.epoch)) {
      // the channel started a new epoch meanwhile: read it from its start
      s.epoch = epoch;
      s.lastSeq = 0;
      s.recoveredSoFar = false;
      requests.add(recover(s, s.reason, 0));
      return;
    }
    long nextSeq = h.getLong("nextSeq", 1L);
    if (s.lastSeq > nextSeq - 1) {
      s.lastSeq = nextSeq - 1; // a position past the channel's end (forged, or another epoch's): from its end on
    }
    JsonArray messages = h.getJsonArray("messages", new JsonArray());
    for (int i = 0; i < messages.size(); i++) {
      JsonObject m = messages.getJsonObject(i);
      if (s.lastSeq < 0 || m.getLong("seq") > s.lastSeq) {
        write(s, m.put("replayed", true), text);
        s.replayed++;
      }
    }
    if (s.epoch == null && epoch != null) {
      s.epoch = epoch;
      s.fullEpoch = h.getString("epoch");
    }
    s.recoveredSoFar = s.recoveredSoFar && h.getBoolean("recovered", false);
    if ((messages.size() == HistoryQuery.MAX_LIMIT && s.lastSeq < nextSeq - 1) || s.overflow) {
      s.overflow = false;
      s.waiting.clear();
      requests.add(recover(s, s.reason, Math.max(0, s.lastSeq))); // more pages
      return;
    }
    finish(s, true, null, text, requests);
  }

  /** The read is over (or failed: {@code failure}): the recovery event, then what waited, through the live path. */
  private void finish(Stream s, boolean read, JsonObject failure, StringBuilder text, List<JsonObject> requests) {
    s.recovering = false;
    JsonObject info = new JsonObject().put("channel", s.channel).put("recovered", read && s.recoveredSoFar)
        .put("epoch", s.fullEpoch).put("replayed", s.replayed).put("reason", s.reason);
    if (failure != null) {
      info.put("error", new JsonObject().put("code", failure.getValue("failureCode")).put("message", failure.getValue("message")));
    }
    event(text, "recovered", info);
    s.recoveredSoFar = true;
    List<JsonObject> waiting = new ArrayList<>(s.waiting);
    s.waiting.clear();
    if (!read && !waiting.isEmpty()) {
      // history could not fill the hole: the stream goes on from what waited, the hole told above
      // (reading again at once would fail again, as fast as the node answers)
      JsonObject first = waiting.get(0);
      if (first.getString("epoch") != null) {
        s.fullEpoch = first.getString("epoch");
        s.epoch = shortEpoch(s.fullEpoch);
      }
      s.lastSeq = first.getLong("seq") - 1;
    }
    for (int i = 0; i < waiting.size(); i++) {
      if (s.recovering) {
        s.waiting.addAll(waiting.subList(i, waiting.size()));
        return;
      }
      live(s, waiting.get(i), text, requests);
    }
  }

  private static String shortEpoch(String epoch) {
    return epoch == null ? null : epoch.substring(0, Math.min(8, epoch.length()));
  }

  private static void event(StringBuilder text, String name, Object data) {
    String json = data instanceof JsonObject o ? o.encode() : data instanceof JsonArray a ? a.encode() : io.vertx.core.json.Json.encode(data);
    text.append("event: ").append(name).append('\n').append("data: ").append(json).append("\n\n");
  }
}
