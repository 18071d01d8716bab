/** An operator of the admin panel. Passwords are stored as bcrypt hashes only. */
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const OPERATOR_ROLES = ['admin', 'viewer'] as const;

const operatorSchema = new Schema({
  email: { type: String, required: true, unique: true, lowercase: true, trim: true },
  passwordHash: { type: String, required: true, select: false },
  role: { type: String, enum: OPERATOR_ROLES, default: 'admin', required: true },
  lastLoginAt: { type: Date },
}, { timestamps: true });

export type OperatorDoc = InferSchemaType<typeof operatorSchema>;
export const operatorModel = (connection: Connection) => connection.model('Operator', operatorSchema, 'operators');
