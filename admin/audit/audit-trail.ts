/**
 * Writes the audit log: one entry per change an operator makes or tries to make. A failure to
 * write is logged, never turned into a failure of the change itself, which has happened by then.
 */
import type { CurrentAdmin } from 'adminjs';
import { Types } from 'mongoose';
import type { Deps } from '../../src/deps.js';
import type { AUDIT_OUTCOMES } from '../../src/db/models/audit-log.model.js';
import { maskSecrets } from './mask.js';

export interface AuditEntry {
  operator: CurrentAdmin | undefined;
  resource: string;
  action: string;
  recordIds?: string[];
  outcome: (typeof AUDIT_OUTCOMES)[number];
  message?: string;
  before?: unknown;
  after?: unknown;
  ip?: string;
}

export function createAuditTrail(deps: Pick<Deps, 'models' | 'log'>) {
  return {
    async record(entry: AuditEntry): Promise<void> {
      const operatorId = entry.operator?.id && Types.ObjectId.isValid(entry.operator.id) ? entry.operator.id : undefined;
      try {
        await deps.models.AuditLog.create({
          at: new Date(),
          operatorId,
          operatorEmail: entry.operator?.email ?? 'unknown',
          resource: entry.resource,
          action: entry.action,
          recordIds: entry.recordIds?.length ? entry.recordIds : undefined,
          outcome: entry.outcome,
          message: entry.message,
          before: maskSecrets(entry.before),
          after: maskSecrets(entry.after),
          ip: entry.ip,
        });
      } catch (error) {
        deps.log.error({ err: error, resource: entry.resource, action: entry.action }, 'could not write the admin audit log');
      }
    },
  };
}

export type AuditTrail = ReturnType<typeof createAuditTrail>;
