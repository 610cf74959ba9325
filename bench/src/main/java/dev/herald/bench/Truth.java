package dev.herald.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * What node 1 says, over the HTTP API, of users {@code prefix0 .. prefix(n-1)} and one channel:
 * how many are members, online, and online with other than one connection. The scenarios check it
 * after their storms of connects.
 */
record Truth(int members, int online, int notOneConnection) {

  static Truth of(String channel, String prefix, int users) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String service = LocalCluster.serviceToken("bench-truth");
    String base = "http://127.0.0.1:" + LocalCluster.httpPort(1) + "/api/v1/";
    JsonObject members = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(base + "channels/" + channel + "/members"))
        .header("Authorization", "Bearer " + service).build(), HttpResponse.BodyHandlers.ofString()).body());
    int online = 0;
    int notOne = 0;
    for (int from = 0; from < users; from += 1000) {
      JsonArray batch = new JsonArray();
      for (int i = from; i < Math.min(users, from + 1000); i++) {
        batch.add(prefix + i);
      }
      JsonObject found = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(base + "presence/query"))
          .header("Authorization", "Bearer " + service).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("users", batch).encode())).build(),
          HttpResponse.BodyHandlers.ofString()).body()).getJsonObject("users");
      for (String u : found.fieldNames()) {
        JsonObject p = found.getJsonObject(u);
        online += "offline".equals(p.getString("status")) ? 0 : 1;
        notOne += p.getInteger("connections") == 1 ? 0 : 1;
      }
    }
    return new Truth(members.getInteger("count"), online, notOne);
  }

  boolean exact(int users) {
    return members == users && online == users && notOneConnection == 0;
  }
}
