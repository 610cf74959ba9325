/**
 * Bus I/O shared by the features: requests tried on this node first ({@link dev.herald.bus.Requests}),
 * and a typed client per service, which sends a record of {@link dev.herald.protocol.message} and
 * reads its answer as one, so a sender names the shape its consumer reads; raising a webhook event
 * ({@link dev.herald.bus.Webhooks}) and answering an admin listing ({@link dev.herald.bus.Listings}).
 */
package dev.herald.bus;
