package dev.herald.webhook;

import java.util.ArrayDeque;

/**
 * The events waiting to be sent, oldest first, bounded: when full, the oldest is dropped (a
 * receiver that comes back wants the newest state most) and counted, except the head while it
 * is being sent (it may already have arrived). Pure.
 */
final class WebhookQueue<E> {

  private final ArrayDeque<E> items = new ArrayDeque<>();
  private final int capacity;
  private long dropped;

  WebhookQueue(int capacity) {
    this.capacity = capacity;
  }

  /** Adds at the end; returns the item dropped to make room, or null. */
  E add(E item, boolean headInFlight) {
    E drop = null;
    if (items.size() >= capacity) {
      if (headInFlight && items.size() >= 2) {
        E head = items.pollFirst();
        drop = items.pollFirst();
        items.addFirst(head);
      } else if (headInFlight) {
        drop = item; // capacity 1 and it is busy: the new one cannot wait
        dropped++;
        return drop;
      } else {
        drop = items.pollFirst();
      }
      dropped++;
    }
    items.addLast(item);
    return drop;
  }

  E peek() {
    return items.peekFirst();
  }

  /** Removes the head once it was sent, if it is still {@code sent}. */
  void sent(E sent) {
    if (items.peekFirst() == sent) {
      items.pollFirst();
    }
  }

  int size() {
    return items.size();
  }

  long dropped() {
    return dropped;
  }
}
