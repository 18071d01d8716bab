/**
 * One event on its way to one endpoint: the outbox. Pending deliveries live here, not in Redis,
 * so a dead endpoint with a million of them costs disk, not Redis memory; the mover hands Redis
 * only what is due. The body is stored as the exact bytes we send, so every attempt (and every
 * endpoint) gets the same payload; only the signature's timestamp changes between attempts.
 */
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** pending: waiting for its time; queued: handed to the delivery queue; delivered; failed (gave up). */
export const DELIVERY_STATUSES = ['pending', 'queued', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Delivery records are kept this long, then MongoDB removes them. */
export const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600;

const answerSchema = new Schema({
  at: { type: Date, required: true },
  durationMs: { type: Number, required: true },
  /** HTTP status of the answer; unset when there was none (timeout, refused, DNS, SSRF guard). */
  statusCode: { type: Number },
  /** The first 1 kB of the answer's body. */
  body: { type: String },
  error: { type: String },
}, { _id: false });

const eventDeliverySchema = new Schema({
  clientId: { type: Schema.Types.ObjectId, ref: 'Client', required: true },
  endpointId: { type: Schema.Types.ObjectId, ref: 'WebhookEndpoint', required: true },
  eventId: { type: String, required: true },
  type: { type: String, required: true },
  /** The JSON body, byte for byte as it is posted. */
  body: { type: String, required: true },
  status: { type: String, enum: DELIVERY_STATUSES, required: true },
  attempts: { type: Number, default: 0, required: true },
  nextAttemptAt: { type: Date },
  /** When the mover handed it to the queue; a `queued` delivery whose job is gone goes back to pending. */
  queuedAt: { type: Date },
  /** The latest answers, newest last (at most 20). */
  answers: { type: [answerSchema], default: [] },
  deliveredAt: { type: Date },
  failedAt: { type: Date },
  createdAt: { type: Date, required: true },
}, { timestamps: { createdAt: false, updatedAt: true } });

// The mover: an endpoint's due deliveries, and how many it has in flight.
eventDeliverySchema.index({ endpointId: 1, status: 1, nextAttemptAt: 1 });
// The delivery log of an endpoint, newest first.
eventDeliverySchema.index({ endpointId: 1, _id: -1 });
// Housekeeping: lost jobs and deliveries past their 3 days.
eventDeliverySchema.index({ status: 1, queuedAt: 1 });
eventDeliverySchema.index({ status: 1, createdAt: 1 });
eventDeliverySchema.index({ createdAt: 1 }, { expireAfterSeconds: DELIVERY_RETENTION_SECONDS });

export type EventDeliveryDoc = InferSchemaType<typeof eventDeliverySchema>;
export const eventDeliveryModel = (connection: Connection) => connection.model('EventDelivery', eventDeliverySchema, 'eventdeliveries');
