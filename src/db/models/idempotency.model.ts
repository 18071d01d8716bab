/**
 * Idempotency-Key records, scoped to the client: the first answer to a (client, route, key) is
 * replayed for 24 h when the same body comes again; another body with the same key is a 409.
 */
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

const idempotencySchema = new Schema({
  clientId: { type: Schema.Types.ObjectId, required: true },
  scope: { type: String, required: true },
  key: { type: String, required: true },
  bodyHash: { type: String, required: true },
  /** Unset while the first request is still being processed. */
  statusCode: { type: Number },
  response: { type: Schema.Types.Mixed },
  createdAt: { type: Date, default: () => new Date(), required: true },
});

idempotencySchema.index({ clientId: 1, scope: 1, key: 1 }, { unique: true });
idempotencySchema.index({ createdAt: 1 }, { expireAfterSeconds: IDEMPOTENCY_TTL_SECONDS });

export type IdempotencyDoc = InferSchemaType<typeof idempotencySchema>;
export const idempotencyModel = (connection: Connection) => connection.model('IdempotencyRecord', idempotencySchema, 'idempotency');
