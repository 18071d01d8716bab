/**
 * Turns a request's recipient list into sendable recipients and a `rejected` list: invalid
 * numbers, duplicates (after normalisation) and opted-out numbers are never sent (contract §3).
 */
import type { Models } from '../../db/models.js';
import { normalizePhone } from '../../lib/phone.js';
import type { RecipientInput } from './campaigns.schemas.js';

export type RejectReason = 'invalid_phone' | 'duplicate' | 'opted_out';

export interface Rejection {
  index: number;
  to: string;
  reason: RejectReason;
}

export interface AcceptedRecipient extends RecipientInput {
  index: number;
  phone: string;
}

const OPT_OUT_CHUNK = 10_000;

export async function screenRecipients(
  models: Pick<Models, 'OptOut'>,
  clientId: string,
  recipients: RecipientInput[],
): Promise<{ accepted: AcceptedRecipient[]; rejected: Rejection[] }> {
  const rejected: Rejection[] = [];
  const candidates: AcceptedRecipient[] = [];
  const seen = new Set<string>();
  recipients.forEach((recipient, index) => {
    const phone = normalizePhone(recipient.to);
    if (!phone) rejected.push({ index, to: recipient.to, reason: 'invalid_phone' });
    else if (seen.has(phone)) rejected.push({ index, to: recipient.to, reason: 'duplicate' });
    else {
      seen.add(phone);
      candidates.push({ ...recipient, index, phone });
    }
  });

  const optedOut = new Set<string>();
  for (let start = 0; start < candidates.length; start += OPT_OUT_CHUNK) {
    const phones = candidates.slice(start, start + OPT_OUT_CHUNK).map((candidate) => candidate.phone);
    const found = await models.OptOut.find({ clientId, phone: { $in: phones } }, { phone: 1, _id: 0 }).lean();
    for (const entry of found) optedOut.add(entry.phone);
  }
  const accepted = optedOut.size === 0 ? candidates : candidates.filter((candidate) => {
    if (!optedOut.has(candidate.phone)) return true;
    rejected.push({ index: candidate.index, to: candidate.to, reason: 'opted_out' });
    return false;
  });
  rejected.sort((a, b) => a.index - b.index);
  return { accepted, rejected };
}
