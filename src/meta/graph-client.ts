/**
 * The only code that speaks HTTP to the Graph API. Every call pins the API version, carries the
 * token in the Authorization header (never in a URL that could be logged) and, when the app
 * secret is known, an `appsecret_proof`. Answers are parsed with zod; failures become
 * `MetaApiError` or `MetaTransportError`.
 */
import { createHmac } from 'node:crypto';
import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { MetaApiError, MetaTransportError, titleOf } from './errors.js';

export interface GraphClientOptions {
  baseUrl: string;
  version: string;
  /** Time allowed for Meta to answer a send; after it the send counts as "maybe delivered". */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

export interface Auth {
  accessToken: string;
  appSecret?: string;
}

const ErrorEnvelope = z.object({
  error: z.object({
    message: z.string().optional(),
    code: z.coerce.number(),
    error_subcode: z.coerce.number().optional(),
    error_data: z.object({ details: z.string().optional() }).loose().optional(),
    fbtrace_id: z.string().optional(),
  }).loose(),
});

const SendAnswer = z.object({
  contacts: z.array(z.object({ input: z.string().optional(), wa_id: z.string().optional() })).optional(),
  messages: z.array(z.object({ id: z.string(), message_status: z.string().optional() })).min(1),
});

export type SendResult = { wamid: string; waId?: string; messageStatus?: string };

export const PhoneNumberFields = z.object({
  id: z.string().optional(),
  display_phone_number: z.string().optional(),
  verified_name: z.string().optional(),
  quality_rating: z.string().optional(),
  throughput: z.object({ level: z.string().optional() }).loose().optional(),
  messaging_limit_tier: z.string().optional(),
  whatsapp_business_manager_messaging_limit: z.string().optional(),
  platform_type: z.string().optional(),
  status: z.string().optional(),
  name_status: z.string().optional(),
  code_verification_status: z.string().optional(),
  health_status: z.object({ can_send_message: z.string().optional() }).loose().optional(),
}).loose();
export type PhoneNumberInfo = z.infer<typeof PhoneNumberFields>;

const TemplatePage = z.object({
  data: z.array(z.object({
    id: z.string().optional(),
    name: z.string(),
    language: z.string(),
    status: z.string(),
    category: z.string().optional(),
    parameter_format: z.string().optional(),
    components: z.array(z.record(z.string(), z.unknown())).optional(),
  }).loose()),
  paging: z.object({ cursors: z.object({ after: z.string().optional() }).loose().optional(), next: z.string().optional() }).loose().optional(),
});
export type MetaTemplate = z.infer<typeof TemplatePage>['data'][number];

const SubscribedApps = z.object({ data: z.array(z.unknown()) });

const PHONE_FIELDS = [
  'id', 'display_phone_number', 'verified_name', 'quality_rating', 'throughput', 'platform_type', 'status',
  'name_status', 'code_verification_status', 'health_status',
];

/** v24.0 renamed the messaging-limit field (meta-cloud-api.md §3.4); ask each version for the one it knows. */
export function phoneFieldsFor(version: string): string {
  const major = Number(/^v(\d+)/.exec(version)?.[1] ?? 0);
  return [...PHONE_FIELDS, major >= 24 ? 'whatsapp_business_manager_messaging_limit' : 'messaging_limit_tier'].join(',');
}

export function appSecretProof(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}

/** How long a Graph API call may take before it counts as unanswered. */
export const GRAPH_TIMEOUT_MS = 15_000;

export class GraphClient {
  private readonly dispatcher: Dispatcher;
  private readonly timeoutMs: number;

  constructor(private readonly options: GraphClientOptions) {
    this.timeoutMs = options.timeoutMs ?? GRAPH_TIMEOUT_MS;
    this.dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: 256 });
  }

  async close(): Promise<void> {
    if (!this.options.dispatcher) await this.dispatcher.close();
  }

  private url(path: string, auth: Auth, query: Record<string, string> = {}): string {
    const url = new URL(`${this.options.baseUrl}/${this.options.version}/${path}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    if (auth.appSecret) url.searchParams.set('appsecret_proof', appSecretProof(auth.accessToken, auth.appSecret));
    return url.toString();
  }

  private async call(method: 'GET' | 'POST', url: string, auth: Auth, body?: unknown, idempotent = true): Promise<unknown> {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method,
        dispatcher: this.dispatcher,
        headers: {
          authorization: `Bearer ${auth.accessToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
    } catch (error) {
      throw transportError(error, !idempotent);
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw transportError(error, !idempotent);
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const envelope = ErrorEnvelope.safeParse(json);
    if (envelope.success) {
      const { error } = envelope.data;
      throw new MetaApiError(error.code, titleOf(error.message), error.error_data?.details, error.error_subcode,
        error.fbtrace_id, response.statusCode);
    }
    if (response.statusCode >= 400) {
      // No Meta envelope: a proxy or an outage. A POST that got a 5xx may or may not have been processed.
      throw new MetaTransportError(`the Graph API answered HTTP ${response.statusCode} without an error body`,
        !idempotent && response.statusCode >= 500, response.statusCode);
    }
    return json;
  }

  async sendMessage(phoneNumberId: string, auth: Auth, payload: Record<string, unknown>): Promise<SendResult> {
    const answer = await this.call('POST', this.url(`${phoneNumberId}/messages`, auth), auth, payload, false);
    const parsed = SendAnswer.safeParse(answer);
    if (!parsed.success) throw new MetaTransportError('the Graph API accepted the send but its answer had no message id', true);
    return { wamid: parsed.data.messages[0].id, waId: parsed.data.contacts?.[0]?.wa_id, messageStatus: parsed.data.messages[0].message_status };
  }

  async getPhoneNumber(phoneNumberId: string, auth: Auth): Promise<PhoneNumberInfo> {
    return PhoneNumberFields.parse(await this.call('GET', this.url(phoneNumberId, auth, { fields: phoneFieldsFor(this.options.version) }), auth));
  }

  async listSubscribedApps(wabaId: string, auth: Auth): Promise<unknown[]> {
    return SubscribedApps.parse(await this.call('GET', this.url(`${wabaId}/subscribed_apps`, auth), auth)).data;
  }

  /** Every template of the WABA, following cursor paging to the end. */
  async listTemplates(wabaId: string, auth: Auth, pageSize = 100): Promise<MetaTemplate[]> {
    const templates: MetaTemplate[] = [];
    let after: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const query: Record<string, string> = {
        fields: 'id,name,language,status,category,parameter_format,components', limit: String(pageSize),
      };
      if (after) query.after = after;
      const parsed = TemplatePage.parse(await this.call('GET', this.url(`${wabaId}/message_templates`, auth, query), auth));
      templates.push(...parsed.data);
      after = parsed.paging?.cursors?.after;
      if (!parsed.paging?.next || !after) break;
    }
    return templates;
  }
}

function transportError(error: unknown, maybeDelivered: boolean): MetaTransportError {
  const timeout = error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError;
  const message = timeout ? 'the Graph API did not answer in time' : `the Graph API could not be reached (${(error as Error).message})`;
  // A refused connection never reached Meta; a timeout or a reset mid-request might have.
  const refused = (error as { code?: string }).code === 'ECONNREFUSED' || (error as { code?: string }).code === 'ENOTFOUND';
  return new MetaTransportError(message, maybeDelivered && !refused);
}
