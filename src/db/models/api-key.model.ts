/**
 * An API key. Only a SHA-256 hash of the secret part is stored (the secret has 256 bits of
 * entropy, so a slow hash adds nothing); the short public prefix finds the record.
 */
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

const apiKeySchema = new Schema({
  clientId: { type: Schema.Types.ObjectId, ref: 'Client', required: true, index: true },
  name: { type: String, trim: true, maxlength: 200 },
  prefix: { type: String, required: true, unique: true },
  hash: { type: String, required: true },
  lastUsedAt: { type: Date },
  revokedAt: { type: Date },
}, { timestamps: true });

export type ApiKeyDoc = InferSchemaType<typeof apiKeySchema>;
export const apiKeyModel = (connection: Connection) => connection.model('ApiKey', apiKeySchema, 'apikeys');
