/** Opt-outs: numbers a client must not message in campaigns (API, inbound STOP, Meta's 131050). */
import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import { normalizePhone } from '../../lib/phone.js';
import { findPage, type PageRequest } from '../../lib/pagination.js';
import { announceOptOut } from '../events/announce.js';

export type OptOutSource = 'api' | 'inbound_stop' | 'quick_reply' | 'meta_131050' | 'admin';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const view = (doc: Record<string, any>) => ({ phone: doc.phone, source: doc.source, createdAt: new Date(doc.createdAt).toISOString() });

function phoneOrError(input: string, field: string, where: 'body' | 'params') {
  const phone = normalizePhone(input);
  if (!phone) {
    throw new AppError('validation_error', `"${input}" is not a phone number in international form (country code first).`, {
      details: [{ field, in: where, message: 'is not a valid international phone number' }],
    });
  }
  return phone;
}

export function createOptOutsService(deps: Pick<Deps, 'models'>) {
  const { OptOut } = deps.models;
  return {
    /** Idempotent: opting out twice keeps the first record. Returns whether it was new. */
    async add(clientId: string, input: string, source: OptOutSource) {
      const phone = phoneOrError(input, 'phone', 'body');
      const result = await OptOut.updateOne({ clientId, phone }, { $setOnInsert: { clientId, phone, source } }, { upsert: true });
      if (result.upsertedCount === 1) announceOptOut(deps.models, clientId, phone, source);
      const doc = await OptOut.findOne({ clientId, phone }).lean();
      return { created: result.upsertedCount === 1, optOut: view(doc!) };
    },

    async remove(clientId: string, input: string) {
      const phone = phoneOrError(input, 'phone', 'params');
      const result = await OptOut.deleteOne({ clientId, phone });
      if (result.deletedCount === 0) throw notFound(`Opt-out for +${phone}`);
    },

    async list(clientId: string, request: PageRequest) {
      return findPage(OptOut, { clientId }, request, view);
    },
  };
}
