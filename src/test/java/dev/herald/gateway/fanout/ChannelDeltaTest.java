package dev.herald.gateway.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flipkart.zjsonpatch.JsonPatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelDeltaTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long WORK = 250_000;

  /** A ~5 KB document: 56 items of a price board. */
  private static String board(int changedItem, double price) {
    StringBuilder b = new StringBuilder("{\"board\":\"quotes\",\"items\":[");
    for (int i = 0; i < 56; i++) {
      b.append(i == 0 ? "" : ",").append("{\"symbol\":\"SYM").append(i).append("\",\"name\":\"Company number ").append(i)
          .append(" of the index\",\"price\":").append(i == changedItem ? price : 100.0 + i).append(",\"volume\":").append(1000 * i).append('}');
    }
    return b.append("]}").toString();
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode apply(byte[] patch, String base) throws Exception {
    return JsonPatch.apply(JSON.readTree(patch), JSON.readTree(base));
  }

  @Test
  @DisplayName("a small change of a 5 KB document is a patch of a few dozen bytes that turns the previous data into the new")
  void smallChange() throws Exception {
    ChannelDelta d = new ChannelDelta(WORK);
    String one = board(-1, 0);
    String two = board(7, 123.25);
    assertTrue(one.length() > 4000, "the document is " + one.length() + " bytes");
    assertEquals(ChannelDelta.Outcome.NO_BASE, d.next("e1", 1, bytes(one), true).outcome(), "nothing before the first message");
    ChannelDelta.Result r = d.next("e1", 2, bytes(two), true);
    assertEquals(ChannelDelta.Outcome.PATCH, r.outcome());
    assertTrue(r.patch().length < 100, new String(r.patch(), StandardCharsets.UTF_8));
    assertEquals(JSON.readTree(two), apply(r.patch(), one));
    // and the next one diffs from the second
    String three = board(3, 1.5);
    ChannelDelta.Result r3 = d.next("e1", 3, bytes(three), true);
    assertEquals(JSON.readTree(three), apply(r3.patch(), two));
  }

  @Test
  @DisplayName("no patch after a hole, in a new epoch, or when nobody asks; the base is kept all the same")
  void onlyFromTheMessageBefore() throws Exception {
    ChannelDelta d = new ChannelDelta(WORK);
    d.next("e1", 1, bytes(board(-1, 0)), true);
    assertEquals(ChannelDelta.Outcome.NO_BASE, d.next("e1", 3, bytes(board(1, 1)), true).outcome(), "seq 2 never came: a hole");
    assertEquals(ChannelDelta.Outcome.NO_BASE, d.next("e2", 4, bytes(board(2, 2)), true).outcome(), "another epoch");
    assertEquals(ChannelDelta.Outcome.NO_BASE, d.next("e2", 5, bytes(board(3, 3)), false).outcome(), "not wanted");
    ChannelDelta.Result r = d.next("e2", 6, bytes(board(4, 4)), true);
    assertEquals(ChannelDelta.Outcome.PATCH, r.outcome(), "5 was remembered though nobody wanted its patch");
    assertEquals(JSON.readTree(board(4, 4)), apply(r.patch(), board(3, 3)));
    d.forget();
    assertEquals(ChannelDelta.Outcome.NO_BASE, d.next("e2", 7, bytes(board(5, 5)), true).outcome(), "forgotten");
  }

  @Test
  @DisplayName("a patch not smaller than the data is not sent: a small value replaced whole")
  void notSmaller() {
    ChannelDelta d = new ChannelDelta(WORK);
    d.next("e1", 1, bytes("{\"a\":1}"), true);
    assertEquals(ChannelDelta.Outcome.NOT_SMALLER, d.next("e1", 2, bytes("{\"a\":2}"), true).outcome());
    d.next("e1", 3, bytes("7"), true);
    assertEquals(ChannelDelta.Outcome.NOT_SMALLER, d.next("e1", 4, bytes("8"), true).outcome(), "scalars: a replace of the root");
  }

  @Test
  @DisplayName("an array that changes wholesale is not diffed (the search would be quadratic); one item changed in a long array is")
  void costlyArrays() throws Exception {
    StringBuilder a = new StringBuilder("[");
    StringBuilder b = new StringBuilder("[");
    StringBuilder c = new StringBuilder("[");
    for (int i = 0; i < 4000; i++) {
      String sep = i == 0 ? "" : ",";
      a.append(sep).append(i);
      b.append(sep).append(i + 100_000);
      c.append(sep).append(i == 2000 ? -1 : i);
    }
    String first = a.append(']').toString();
    ChannelDelta d = new ChannelDelta(WORK);
    d.next("e1", 1, bytes(first), true);
    long t = System.nanoTime();
    assertEquals(ChannelDelta.Outcome.TOO_COSTLY, d.next("e1", 2, bytes(b.append(']').toString()), true).outcome());
    d.next("e1", 3, bytes(first), true);
    ChannelDelta.Result r = d.next("e1", 4, bytes(c.append(']').toString()), true);
    assertEquals(ChannelDelta.Outcome.PATCH, r.outcome());
    assertEquals("[{\"op\":\"replace\",\"path\":\"/2000\",\"value\":-1}]", new String(r.patch(), StandardCharsets.UTF_8));
    assertEquals(JSON.readTree(c.toString()), apply(r.patch(), first));
    System.out.println("4 messages of 4000 numbers decided in " + (System.nanoTime() - t) / 1_000_000 + " ms");
  }

  @Test
  @DisplayName("the work estimate: nothing for equal or scalar parts, the search and the nested items for unequal arrays")
  void work() throws Exception {
    assertEquals(0, ChannelDelta.work(JSON.readTree("{\"a\":[1,2,3]}"), JSON.readTree("{\"a\":[1,2,3]}"), WORK));
    assertEquals(0, ChannelDelta.work(JSON.readTree("{\"a\":1,\"b\":\"x\"}"), JSON.readTree("{\"a\":2,\"b\":\"y\"}"), WORK));
    // [1,2,3] -> [1,9,3]: prefix 1, suffix 1, one item left on each side: (3+3)*(1+1)
    assertEquals(12, ChannelDelta.work(JSON.readTree("[1,2,3]"), JSON.readTree("[1,9,3]"), WORK));
    // nested: the middle items hold 2 members each side: (1+1)*(1+1) search + (2+2)^2
    assertEquals(4 + 16, ChannelDelta.work(JSON.readTree("[{\"x\":1,\"y\":2}]"), JSON.readTree("[{\"x\":1,\"y\":3}]"), WORK));
  }
}
