/**
 * Accepting a Meta webhook delivery: its signature is checked over the raw bytes against every
 * app secret that may have signed it, and only then is it stored — once, however often Meta
 * posts the same bytes. Processing happens later, in the event worker.
 */
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { candidateSecrets } from './app-secrets.js';
import { namedIds, type NamedIds } from './named-ids.js';
import { parseSignatureHeader, signedWith } from './signature.js';

type ReceiverDeps = Pick<Deps, 'models' | 'keyRing' | 'config' | 'log' | 'metrics'>;

/** The platform's secret speaks for every account; a client's only for the ids listed. */
type Signer = { verifiedWith: 'platform' } | { verifiedWith: 'credential'; trustedIds: string[] };

export interface StoredDelivery {
  eventId: string;
  /** The same bytes were stored before (a Meta retry); nothing new to process. */
  duplicate: boolean;
}

function refuse(deps: ReceiverDeps, reason: 'missing' | 'malformed' | 'no_secret' | 'mismatch', message: string): AppError {
  deps.metrics.webhookSignatureFailures.inc({ reason });
  return new AppError('unauthorized', message, { details: [{ field: 'x-hub-signature-256', in: 'headers', message: reason.replace('_', ' ') }] });
}

function parseJson(body: Buffer): unknown {
  const invalid = () => new AppError('invalid_json', 'The webhook body is not valid JSON.');
  if (!isUtf8(body)) throw invalid();
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw invalid();
  }
}

export function createWebhookReceiver(deps: ReceiverDeps) {
  const { WebhookEvent } = deps.models;

  function readSignature(header: string | string[] | undefined): Buffer {
    const signature = parseSignatureHeader(header);
    if (signature.kind === 'missing') throw refuse(deps, 'missing', 'The X-Hub-Signature-256 header is missing; Meta signs every webhook with it.');
    if (signature.kind === 'malformed') throw refuse(deps, 'malformed', 'The X-Hub-Signature-256 header must be "sha256=" followed by 64 hex digits.');
    return signature.digest;
  }

  /** Who signed the body and which named accounts that signer speaks for; throws 401 when no known secret did. */
  async function verify(body: Buffer, digest: Buffer, ids: NamedIds): Promise<Signer> {
    const candidates = await candidateSecrets(deps, ids);
    if (candidates.length === 0) {
      throw refuse(deps, 'no_secret', 'No app secret is known for the accounts this webhook names; add the app secret to the credential or set META_APP_SECRET.');
    }
    const matches = candidates.filter((candidate) => signedWith(body, digest, candidate.secret));
    if (matches.length === 0) throw refuse(deps, 'mismatch', 'The X-Hub-Signature-256 signature does not match the body under any app secret for the accounts it names.');
    if (matches.some((match) => match.kind === 'platform')) return { verifiedWith: 'platform' };
    return { verifiedWith: 'credential', trustedIds: [...new Set(matches.flatMap((match) => match.vouchesFor as string[]))] };
  }

  /** Stores the delivery once: the same bytes again (a Meta retry) find the first copy. */
  async function store(body: Buffer, ids: NamedIds, signer: Signer): Promise<StoredDelivery> {
    const bodySha256 = createHash('sha256').update(body).digest('hex');
    try {
      const event = await WebhookEvent.create({
        body: body.toString('utf8'), bodySha256, signatureVerified: true, ...signer,
        fields: ids.fields, wabaIds: ids.wabaIds, phoneNumberIds: ids.phoneNumberIds, receivedAt: new Date(),
      });
      return { eventId: String(event._id), duplicate: false };
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
      const existing = await WebhookEvent.findOne({ bodySha256 }, { _id: 1 }).lean();
      if (!existing) throw error;
      return { eventId: String(existing._id), duplicate: true };
    }
  }

  return {
    /** Verifies and stores one delivery; throws a 401/400 AppError and stores nothing when it is not genuine. */
    async receive(body: Buffer, signatureHeader: string | string[] | undefined): Promise<StoredDelivery> {
      const digest = readSignature(signatureHeader);
      const ids = namedIds(parseJson(body));
      const signer = await verify(body, digest, ids);
      for (const field of ids.fields) deps.metrics.webhooksReceived.inc({ field });
      return store(body, ids, signer);
    },
  };
}

export type WebhookReceiver = ReturnType<typeof createWebhookReceiver>;
