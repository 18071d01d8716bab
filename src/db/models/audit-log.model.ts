/**
 * What operators did in the admin panel: who, what, when, and the record before and after, with
 * secrets masked. Written by the panel only (admin/audit/); never edited.
 */
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const AUDIT_OUTCOMES = ['succeeded', 'failed', 'refused'] as const;

const auditLogSchema = new Schema({
  at: { type: Date, required: true, default: () => new Date() },
  operatorId: { type: Schema.Types.ObjectId, ref: 'Operator' },
  operatorEmail: { type: String, required: true },
  /** The AdminJS resource id (model name), or `queues` for bull-board. */
  resource: { type: String, required: true },
  action: { type: String, required: true },
  recordIds: { type: [String], default: undefined },
  outcome: { type: String, enum: AUDIT_OUTCOMES, required: true },
  /** The notice shown to the operator, e.g. why a change was refused. */
  message: { type: String },
  /** Only the fields that changed, before and after (secrets masked). */
  before: { type: Schema.Types.Mixed },
  after: { type: Schema.Types.Mixed },
  ip: { type: String },
}, { versionKey: false });

auditLogSchema.index({ at: -1 });
auditLogSchema.index({ resource: 1, at: -1 });

export type AuditLogDoc = InferSchemaType<typeof auditLogSchema>;
export const auditLogModel = (connection: Connection) => connection.model('AuditLog', auditLogSchema, 'audit_logs');
