/**
 * One record per message shape on the event bus (docs/protocol.md sections 2 and 6): each holds
 * the only {@code fromJson}, {@code toJson} and validation of its shape, so a sender and its
 * consumer name the same type, and a reader (or a call-graph walk) follows a publish from the HTTP
 * API or the bridge into the broadcast service through it. The wire format is unchanged: these
 * records read and write the JSON clients see. An invalid body is refused with a
 * {@link io.vertx.core.eventbus.ReplyException} carrying the error code clients get.
 */
package dev.herald.protocol.message;
