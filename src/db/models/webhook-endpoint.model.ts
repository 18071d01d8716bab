/**
 * A client's webhook endpoint: where we POST its events, signed with a secret that is shown
 * once and kept sealed (it must be readable to sign with, so it is encrypted, not hashed).
 * Besides the definition, it carries the delivery worker's view of the endpoint's health and a
 * hint for the mover: the earliest time one of its deliveries may be due.
 */
import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { sealedSchema } from './sealed.schema.js';

const webhookEndpointSchema = new Schema({
  clientId: { type: Schema.Types.ObjectId, ref: 'Client', required: true },
  url: { type: String, required: true },
  /** Event types delivered to this endpoint. */
  events: { type: [String], required: true },
  description: { type: String },
  secret: { type: sealedSchema, required: true, select: false },
  /** Failed attempts in a row; a failing endpoint gets one delivery at a time until one succeeds. */
  consecutiveFailures: { type: Number, default: 0, required: true },
  lastDeliveredAt: { type: Date },
  lastFailedAt: { type: Date },
  lastError: { type: String },
  /** Earliest `nextAttemptAt` among its pending deliveries, as far as the mover knows; unset when none. */
  nextDueAt: { type: Date },
  /** Bumped whenever a delivery becomes pending, so the mover cannot clear `nextDueAt` over fresh work. */
  dueVersion: { type: Number, default: 0, required: true },
}, { timestamps: true });

webhookEndpointSchema.index({ clientId: 1, _id: -1 });
webhookEndpointSchema.index({ nextDueAt: 1 });

export type WebhookEndpointDoc = InferSchemaType<typeof webhookEndpointSchema>;
export const webhookEndpointModel = (connection: Connection) => connection.model('WebhookEndpoint', webhookEndpointSchema, 'webhookendpoints');
