/**
 * Credentials: registration, secret rotation, verification against the Graph API and the
 * template catalogue. Every function takes the client id: a client sees only its own.
 */
import { randomBytes } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import { withTimeout } from '../../db/connection.js';
import { findPage, type PageRequest } from '../../lib/pagination.js';
import { announceCredentialStatus } from '../events/announce.js';
import { QUEUE } from '../../queues/names.js';
import { templateParameters } from '../templates/template-parameters.js';
import type { CreateCredentialInput, CredentialViewType, UpdateCredentialInput } from './credentials.schemas.js';
import { checkWithMeta, type VerificationOutcome } from './verification.js';

type CredentialsDeps = Pick<Deps, 'models' | 'keyRing' | 'graph' | 'queues' | 'config' | 'log'>;

const SYNC_VERIFY_TIMEOUT_MS = 20_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CredentialRecord = Record<string, any>;

export function credentialView(doc: CredentialRecord, publicBaseUrl: string): CredentialViewType {
  const phone = doc.phone ?? {};
  return {
    id: String(doc._id),
    name: doc.name ?? null,
    wabaId: doc.wabaId,
    phoneNumberId: doc.phoneNumberId,
    appId: doc.appId ?? null,
    hasAppSecret: Boolean(doc.hasAppSecret),
    messagesPerSecond: doc.messagesPerSecond ?? null,
    status: doc.status,
    webhook: { url: `${publicBaseUrl}/webhooks/whatsapp`, verifyToken: doc.verifyToken },
    phone: {
      displayPhoneNumber: phone.displayPhoneNumber ?? null,
      verifiedName: phone.verifiedName ?? null,
      qualityRating: phone.qualityRating ?? null,
      messagingLimitTier: phone.messagingLimitTier ?? null,
      throughput: { level: phone.throughput?.level ?? null, messagesPerSecond: phone.throughput?.messagesPerSecond ?? null },
      platformType: phone.platformType ?? null,
      status: phone.status ?? null,
    },
    lastCheckedAt: doc.lastCheckedAt ? new Date(doc.lastCheckedAt).toISOString() : null,
    lastError: doc.lastError ?? null,
    createdAt: new Date(doc.createdAt).toISOString(),
    updatedAt: new Date(doc.updatedAt).toISOString(),
  };
}

/** Which fields to read: everything but the sealed secrets, plus whether an app secret exists. */
const PUBLIC_FIELDS = { accessToken: 0, appSecret: 0 } as const;

export function createCredentialsService(deps: CredentialsDeps) {
  const { Credential, Template } = deps.models;
  const view = (doc: CredentialRecord) => credentialView(doc, deps.config.publicBaseUrl);

  async function findOwned(clientId: string, id: string) {
    const doc = await Credential.findOne({ _id: id, clientId }, PUBLIC_FIELDS).lean();
    if (!doc) throw notFound(`Credential ${id}`);
    const hasAppSecret = Boolean(await Credential.exists({ _id: id, appSecret: { $exists: true } }));
    return { ...doc, hasAppSecret };
  }

  async function enqueueVerification(credentialId: string, secretsVersion: number) {
    try {
      await deps.queues[QUEUE.credentialChecks].add('verify', { credentialId, secretsVersion }, {
        jobId: `verify-${credentialId}-${secretsVersion}`,
        attempts: 5,
        backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
        removeOnComplete: true,
        removeOnFail: 1000,
      });
    } catch (error) {
      // The credential is stored as `pending`; the periodic re-check verifies it once Redis is back.
      deps.log.warn({ err: error, credentialId }, 'could not enqueue credential verification');
    }
  }

  /** Decrypts the credential's secrets; only verification and the send worker call this. */
  async function loadAuth(credentialId: string) {
    const doc = await Credential.findById(credentialId).select('+accessToken +appSecret').lean();
    if (!doc) return null;
    return {
      doc,
      auth: {
        accessToken: deps.keyRing.open(doc.accessToken),
        appSecret: doc.appSecret ? deps.keyRing.open(doc.appSecret) : undefined,
      },
    };
  }

  async function syncTemplates(doc: CredentialRecord, outcome: VerificationOutcome) {
    if (!outcome.templates) return;
    const syncedAt = new Date();
    const seen = outcome.templates.map((template) => ({ name: template.name, language: template.language }));
    if (outcome.templates.length > 0) {
      await Template.bulkWrite(outcome.templates.map((template) => ({
        updateOne: {
          filter: { credentialId: doc._id, name: template.name, language: template.language },
          update: {
            $set: {
              clientId: doc.clientId, wabaId: doc.wabaId, metaId: template.id, status: template.status,
              category: template.category, components: template.components ?? [],
              parameterFormat: template.parameter_format?.toLowerCase() === 'named' ? 'named' : 'positional',
              parameters: templateParameters(template.components) as never, syncedAt,
            },
          },
          upsert: true,
        },
      })), { ordered: false });
    }
    await Template.deleteMany({ credentialId: doc._id, $nor: seen.length ? seen : [{ _id: null }] });
  }

  /** Checks the credential with Meta and stores the outcome, unless its secrets changed meanwhile. */
  async function runVerification(credentialId: string) {
    const loaded = await loadAuth(credentialId);
    if (!loaded) return null;
    const { doc, auth } = loaded;
    const outcome = await checkWithMeta(deps.graph, doc, auth);
    const set: Record<string, unknown> = { status: outcome.status, lastError: outcome.lastError, lastCheckedAt: new Date() };
    if (outcome.phone) set.phone = outcome.phone;
    if (outcome.wabaSubscribed !== undefined) set.wabaSubscribed = outcome.wabaSubscribed;
    const updated = await Credential.findOneAndUpdate(
      { _id: doc._id, secretsVersion: doc.secretsVersion },
      { $set: set },
      { new: true, projection: PUBLIC_FIELDS },
    ).lean();
    if (updated) await syncTemplates(doc, outcome);
    if (updated && doc.status !== outcome.status) announceCredentialStatus(deps.models, updated, outcome.status, outcome.lastError);
    deps.log.info({ credentialId, status: outcome.status }, 'credential verified');
    return updated;
  }

  return {
    loadAuth,
    runVerification,

    async create(clientId: string, input: CreateCredentialInput) {
      if (await Credential.exists({ clientId, phoneNumberId: input.phoneNumberId })) {
        throw new AppError('conflict', `Phone number id ${input.phoneNumberId} is already registered as one of your credentials; update that one instead.`,
          { details: [{ field: 'phoneNumberId', in: 'body', message: 'is already registered' }] });
      }
      let doc;
      try {
        doc = await Credential.create({
          clientId,
          name: input.name,
          wabaId: input.wabaId,
          phoneNumberId: input.phoneNumberId,
          appId: input.appId,
          accessToken: deps.keyRing.seal(input.accessToken),
          appSecret: input.appSecret ? deps.keyRing.seal(input.appSecret) : undefined,
          messagesPerSecond: input.messagesPerSecond,
          verifyToken: randomBytes(24).toString('base64url'),
        });
      } catch (error) {
        if ((error as { code?: number }).code === 11000) {
          throw new AppError('conflict', `Phone number id ${input.phoneNumberId} is already registered as one of your credentials; update that one instead.`);
        }
        throw error;
      }
      await enqueueVerification(String(doc._id), doc.secretsVersion);
      return view({ ...doc.toObject(), hasAppSecret: Boolean(input.appSecret) });
    },

    async list(clientId: string, request: PageRequest) {
      const page = await findPage(Credential, { clientId }, request, (doc) => doc as CredentialRecord, { projection: PUBLIC_FIELDS });
      const withSecret = new Set((await Credential.find({ _id: { $in: page.items.map((doc) => doc._id) }, appSecret: { $exists: true } }, { _id: 1 }).lean())
        .map((doc) => String(doc._id)));
      return { items: page.items.map((doc) => view({ ...doc, hasAppSecret: withSecret.has(String(doc._id)) })), nextCursor: page.nextCursor };
    },

    async get(clientId: string, id: string) {
      return view(await findOwned(clientId, id));
    },

    async update(clientId: string, id: string, input: UpdateCredentialInput) {
      await findOwned(clientId, id);
      const set: Record<string, unknown> = {};
      const unset: Record<string, 1> = {};
      if (input.name !== undefined) set.name = input.name;
      if (input.messagesPerSecond !== undefined) {
        if (input.messagesPerSecond === null) unset.messagesPerSecond = 1; else set.messagesPerSecond = input.messagesPerSecond;
      }
      const secretsChanged = input.accessToken !== undefined || input.appSecret !== undefined;
      if (input.accessToken !== undefined) set.accessToken = deps.keyRing.seal(input.accessToken);
      if (input.appSecret !== undefined) {
        if (input.appSecret === null) unset.appSecret = 1; else set.appSecret = deps.keyRing.seal(input.appSecret);
      }
      if (secretsChanged) Object.assign(set, { status: 'pending', lastError: null });
      const update: Record<string, unknown> = { $set: set };
      if (Object.keys(unset).length) update.$unset = unset;
      if (secretsChanged) update.$inc = { secretsVersion: 1 };
      const updated = await Credential.findOneAndUpdate({ _id: id, clientId }, update, { new: true, projection: PUBLIC_FIELDS }).lean();
      if (!updated) throw notFound(`Credential ${id}`);
      if (secretsChanged) await enqueueVerification(id, updated.secretsVersion);
      if (secretsChanged) announceCredentialStatus(deps.models, updated, 'pending');
      return this.get(clientId, id);
    },

    /** Verifies now and answers with the fresh status (bounded, so a hung Meta cannot hang the request). */
    async verifyNow(clientId: string, id: string) {
      await findOwned(clientId, id);
      try {
        await withTimeout(runVerification(id), SYNC_VERIFY_TIMEOUT_MS, 'verification did not finish');
      } catch (error) {
        throw new AppError('service_unavailable', 'Verification with Meta is taking too long; the result will be stored when it finishes. Check the credential again shortly.', {
          cause: error, headers: { 'retry-after': '10' },
        });
      }
      return this.get(clientId, id);
    },

    async remove(clientId: string, id: string, beforeDelete?: (credentialId: string) => Promise<void>) {
      await findOwned(clientId, id);
      await beforeDelete?.(id);
      await Credential.deleteOne({ _id: id, clientId });
      await Template.deleteMany({ credentialId: id });
    },

    async listTemplates(clientId: string, id: string, request: PageRequest) {
      await findOwned(clientId, id);
      return findPage(Template, { clientId, credentialId: id }, request, (doc: CredentialRecord) => ({
        id: String(doc._id),
        name: doc.name,
        language: doc.language,
        status: doc.status,
        category: doc.category ?? null,
        parameterFormat: doc.parameterFormat ?? 'positional',
        parameters: {
          header: doc.parameters?.header ?? 0,
          headerFormat: doc.parameters?.headerFormat ?? null,
          body: doc.parameters?.body ?? 0,
          bodyNames: doc.parameters?.bodyNames?.length ? doc.parameters.bodyNames : null,
          buttons: (doc.parameters?.buttons ?? []).map((button: CredentialRecord) => ({ index: button.index, subType: button.subType, count: button.count })),
        },
        components: doc.components ?? [],
        syncedAt: new Date(doc.syncedAt).toISOString(),
      }));
    },
  };
}

export type CredentialsService = ReturnType<typeof createCredentialsService>;
