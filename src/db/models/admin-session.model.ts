/**
 * Admin panel sessions (@fastify/session store). The id is a SHA-256 of the session id, so a
 * copy of this collection cannot be replayed as cookies; MongoDB's TTL monitor removes expired ones.
 */
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

const adminSessionSchema = new Schema({
  _id: { type: String, required: true },
  data: { type: Schema.Types.Mixed, required: true },
  expiresAt: { type: Date, required: true },
}, { versionKey: false, minimize: false });

adminSessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type AdminSessionDoc = InferSchemaType<typeof adminSessionSchema>;
export const adminSessionModel = (connection: Connection) => connection.model('AdminSession', adminSessionSchema, 'admin_sessions');
