/**
 * `POST /v1/campaigns` as `multipart/form-data` (contract §3): a `campaign` part (the JSON body
 * without `recipients`) and a `recipients` CSV file. The file is parsed as it streams in — it is
 * never held whole — and the request body becomes the same object a JSON request carries, so the
 * route's validation, Idempotency-Key hashing and the service are exactly the JSON path's.
 * Multipart is accepted only in the scope this registers in: every other /v1 route keeps
 * answering 415 to it.
 */
import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Models } from '../../db/models.js';
import { AppError } from '../../errors.js';
import type { TemplateParameters } from '../templates/template-parameters.js';
import { readHeader, recipientsOf } from './csv-columns.js';
import { CSV_FILE_LIMIT, fileTooLarge, readCsv, type ParsedCsv } from './csv-reader.js';

const CAMPAIGN_PART_LIMIT = 1024 * 1024;
const PARTS = ['campaign', 'recipients'] as const;

const badPart = (field: string, message: string) => new AppError('validation_error', `The ${field} part ${message}.`, { details: [{ field, in: 'body', message }] });

/**
 * Busboy never ends a part whose closing boundary is missing when the request had already ended
 * before it was read (our authentication runs first), so reading would hang. Once the request is
 * over and nothing has come for a while, the form is declared incomplete.
 */
function incompleteFormGuard(raw: FastifyRequest['raw'], idleMs = 2_000) {
  let lastActivity = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (raw.readableEnded && Date.now() - lastActivity > idleMs) {
        reject(new AppError('bad_request', 'The multipart/form-data body ended before its closing boundary; send the whole form.'));
      }
    }, 250);
  });
  stalled.catch(() => {});
  return { stalled, touch: () => { lastActivity = Date.now(); }, stop: () => clearInterval(timer) };
}

async function readText(file: Readable, field: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of file as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > CAMPAIGN_PART_LIMIT) throw new AppError('payload_too_large', `The ${field} part is larger than 1 MiB.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const invalidCampaignJson = () => new AppError('invalid_json', 'The campaign part is not valid JSON.', { details: [{ field: 'campaign', in: 'body', message: 'is not valid JSON' }] });

/** The campaign part: JSON text, or already parsed when the part said `Content-Type: application/json`. */
function campaignFrom(value: unknown): Record<string, unknown> {
  let campaign = value;
  if (typeof value === 'string') {
    try {
      campaign = JSON.parse(value);
    } catch {
      throw invalidCampaignJson();
    }
  }
  if (!campaign || typeof campaign !== 'object' || Array.isArray(campaign)) throw badPart('campaign', 'must be a JSON object: the campaign without its recipients');
  if ('recipients' in campaign) throw badPart('campaign', 'must not contain recipients: they come from the recipients CSV file');
  return campaign as Record<string, unknown>;
}

/** The template's parameters when the client's credential has it in its catalogue (else the service has the last word). */
async function templateParameters(models: Pick<Models, 'Credential' | 'Template'>, clientId: string, campaign: Record<string, unknown>) {
  const { credentialId, template } = campaign as { credentialId?: unknown; template?: { name?: unknown; language?: unknown } };
  const label = `${String(template?.name)} (${String(template?.language)})`;
  if (typeof credentialId !== 'string' || !/^[a-f0-9]{24}$/.test(credentialId) || typeof template?.name !== 'string' || typeof template.language !== 'string') {
    return { parameters: null, label };
  }
  if (!(await models.Credential.exists({ _id: credentialId, clientId }))) return { parameters: null, label };
  const found = await models.Template.findOne({ credentialId, name: template.name, language: template.language }, { parameters: 1 }).lean();
  return { parameters: (found?.parameters as TemplateParameters | undefined) ?? null, label };
}

const LIMIT_ERRORS: Record<string, () => AppError> = {
  FST_REQ_FILE_TOO_LARGE: fileTooLarge,
  FST_PARTS_LIMIT: () => badPart('recipients', 'is one of too many parts: send only "campaign" and "recipients"'),
  FST_FILES_LIMIT: () => badPart('recipients', 'is one of too many files: send only "campaign" and "recipients"'),
  FST_FIELDS_LIMIT: () => badPart('campaign', 'is one of too many fields: send only "campaign" and "recipients"'),
  FST_INVALID_JSON_FIELD_ERROR: invalidCampaignJson,
  FST_PROTO_VIOLATION: () => badPart('campaign', 'has a name that is not allowed: send "campaign" and "recipients"'),
};

interface Parts {
  campaignValue: unknown;
  csv?: ParsedCsv;
}

async function readParts(request: FastifyRequest, touch: () => void, parts: Parts, current: { file?: Readable }): Promise<void> {
  try {
    for await (const part of request.parts()) {
      touch();
      const name = part.fieldname;
      if (!PARTS.includes(name as (typeof PARTS)[number])) throw badPart(name, 'is not expected: send "campaign" (JSON) and "recipients" (a CSV file)');
      if ((name === 'campaign' && parts.campaignValue !== undefined) || (name === 'recipients' && parts.csv)) throw badPart(name, 'appears twice');
      if (name === 'recipients' && part.type !== 'file') throw badPart(name, 'must be a file (a CSV with a header row)');
      if (part.type === 'file') current.file = part.file;
      if (name === 'recipients' && part.type === 'file') parts.csv = await readCsv(part.file, touch);
      else if (part.type === 'file') parts.campaignValue = await readText(part.file, name);
      else if (part.valueTruncated) throw new AppError('payload_too_large', 'The campaign part is larger than 1 MiB.');
      else parts.campaignValue = part.value;
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    const known = code ? LIMIT_ERRORS[code]?.() : undefined;
    if (known) throw known;
    if (error instanceof AppError) throw error;
    // Anything else here is the form itself (busboy: no boundary, a cut-off part…): the client's to fix.
    throw new AppError('bad_request', `The multipart/form-data body could not be read (${(error as Error).message}); send a "campaign" part and a "recipients" file.`);
  }
}

/** Reads both parts and builds the JSON body the route validates. */
export async function csvCampaignBody(request: FastifyRequest, models: Pick<Models, 'Credential' | 'Template'>): Promise<Record<string, unknown>> {
  const parts: Parts = { campaignValue: undefined };
  const current: { file?: Readable } = {};
  const guard = incompleteFormGuard(request.raw);
  try {
    await Promise.race([readParts(request, guard.touch, parts, current), guard.stalled]);
  } catch (error) {
    current.file?.destroy();
    throw error;
  } finally {
    guard.stop();
  }
  const { campaignValue, csv } = parts;
  if (campaignValue === undefined) throw badPart('campaign', 'is missing: send the campaign JSON (without recipients) in a part named "campaign"');
  if (!csv) throw badPart('recipients', 'is missing: send the CSV file in a part named "recipients"');
  return campaignWithRecipients(models, request.clientId, campaignFrom(campaignValue), csv);
}

async function campaignWithRecipients(models: Pick<Models, 'Credential' | 'Template'>, clientId: string, campaign: Record<string, unknown>, csv: ParsedCsv) {
  const { parameters, label } = await templateParameters(models, clientId, campaign);
  const layout = readHeader(csv.header, parameters, label);
  return { ...campaign, recipients: recipientsOf(layout, csv.rows, parameters) };
}

/** The same conversion from CSV text (the admin panel's upload), for a client chosen by the operator. */
export async function csvCampaignFromText(models: Pick<Models, 'Credential' | 'Template'>, clientId: string, campaignValue: unknown, csvText: string): Promise<Record<string, unknown>> {
  const csv = await readCsv(Readable.from([csvText]), () => {});
  return campaignWithRecipients(models, clientId, campaignFrom(campaignValue), csv);
}

/** Lets the routes of `scope` take the multipart form; JSON requests pass through untouched. */
export async function acceptCsvUploads(scope: FastifyInstance): Promise<void> {
  await scope.register(multipart, {
    // One part more than needed, so that an unexpected part is named rather than counted.
    limits: { fileSize: CSV_FILE_LIMIT, files: 2, fields: 2, parts: 3, fieldSize: CAMPAIGN_PART_LIMIT, headerPairs: 100 },
  });
  scope.addHook('preValidation', async (request) => {
    if (request.isMultipart()) request.body = await csvCampaignBody(request, scope.deps.models);
  });
}
