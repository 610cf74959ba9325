package dev.herald.gateway.connection;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionLifeTest {

  @Test
  @DisplayName("counted, then closed: presence is told once")
  void countedThenClosed() {
    ConnectionLife life = new ConnectionLife();
    assertFalse(life.counted(true), "open: nothing to do");
    assertEquals(ConnectionLife.Presence.JOINED, life.presence());
    assertTrue(life.close(false));
    assertFalse(life.close(false), "a second close does nothing");
    assertTrue(life.leave());
    assertFalse(life.leave(), "told once");
    assertEquals(ConnectionLife.Presence.LEFT, life.presence());
  }

  @Test
  @DisplayName("closed before presence answered: the count that arrives late leaves at once")
  void closedBeforeCounted() {
    ConnectionLife life = new ConnectionLife();
    assertTrue(life.close(false));
    assertFalse(life.leave(), "not counted yet: nothing to tell");
    assertTrue(life.counted(true), "counted after the close: leave now");
    assertTrue(life.leave());
  }

  @Test
  @DisplayName("a drain keeps the count: no leave, not even for a count that arrives late")
  void drain() {
    ConnectionLife life = new ConnectionLife();
    assertTrue(life.close(true));
    assertTrue(life.closedByDrain());
    assertFalse(life.counted(true), "a drained connection stays counted until its node has left");
  }

  @Test
  @DisplayName("no presence service: nothing counted, nothing to tell; counted again (a recount after a merge) it can leave again")
  void noServiceAndRecount() {
    ConnectionLife life = new ConnectionLife();
    assertFalse(life.counted(false));
    assertEquals(ConnectionLife.Presence.NONE, life.presence());
    assertFalse(life.leave());
    assertFalse(life.counted(true));
    assertTrue(life.close(false));
    assertTrue(life.leave());
  }
}
