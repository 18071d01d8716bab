/**
 * createSimulator(): a local stand-in for the parts of Meta's Graph API the engine uses — sends,
 * management reads, limits, faults and signed webhooks — listening on real HTTP.
 *
 * Everything it can be told or asked is available twice: as methods on the returned object (for
 * in-process tests) and as a JSON admin API under `/_sim` (for other processes: black-box tests,
 * the sandbox). Both go through the same methods below.
 *
 * @see ../../../shared/meta-cloud-api.md — the behaviour it imitates
 * @see ./routes/admin.routes.ts — the admin API
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { request as httpRequest } from 'undici';
import type { SimulatorContext } from './context.js';
import { DeliveryOutcomeInputSchema, type DeliveryOutcome, type DeliveryOutcomeInput } from './delivery-outcomes.js';
import {
  AccountUpdateInputSchema,
  InboundMessageInputSchema,
  QualityUpdateInputSchema,
  RawWebhookInputSchema,
  sendAccountUpdate,
  sendInboundMessage,
  sendQualityUpdate,
  sendRawWebhook,
  sendTemplateStatusUpdate,
  TemplateStatusUpdateInputSchema,
  type AccountUpdateInput,
  type InboundMessageInput,
  type QualityUpdateInput,
  type RawWebhookInput,
  type TemplateStatusUpdateInput,
} from './events.js';
import { FaultInputSchema, type Fault, type FaultInput } from './faults.js';
import { Holds } from './holds.js';
import { IdleTracker } from './idle-tracker.js';
import { newNumericId } from './ids.js';
import { seededRandom } from './random.js';
import { PairRateLimiter, type SlidingSecondWindow } from './rate-limits.js';
import { Recorder, type PhoneNumberStats, type ReceivedRequest, type RequestFilter } from './recorder.js';
import { RuleBook, type Rule } from './rule-book.js';
import { buildSimulatorServer } from './server.js';
import { ServiceWindows } from './service-windows.js';
import {
  AppInputSchema,
  PhoneNumberInputSchema,
  PhoneNumberPatchSchema,
  SetupInputSchema,
  TemplateInputSchema,
  TemplatePatchSchema,
  TokenInputSchema,
  TokenPatchSchema,
  WabaInputSchema,
  type AppInput,
  type PhoneNumberInput,
  type PhoneNumberPatch,
  type SetupInput,
  type TemplateInput,
  type TemplatePatch,
  type TokenInput,
  type TokenPatch,
  type WabaInput,
} from './state-schemas.js';
import { SimulatorState, type SimApp, type SimPhoneNumber, type SimTemplate, type SimToken, type SimWaba } from './state.js';
import { emitStatus, type ScheduledStatus } from './status-emitter.js';
import { TimerQueue } from './timer-queue.js';
import { WebhookDispatcher, type WebhookDeliveryRecord, type WebhookStats } from './webhook-dispatcher.js';
import {
  DEFAULT_WEBHOOK_SETTINGS,
  WebhookSettingsPatchSchema,
  WebhookSettingsSchema,
  type WebhookSettings,
  type WebhookSettingsPatch,
} from './webhook-settings.js';

export interface SimulatorOptions {
  /** @defaultValue 0 — any free port; read the chosen one from `sim.port`. */
  port?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** Id of the default app, which new WABAs are subscribed to and tokens belong to. @defaultValue a random Graph id */
  appId?: string;
  /** Secret of the default app; signs webhooks. @defaultValue 32 random hex characters */
  appSecret?: string;
  /** Callback URL of the default app. Without one, no webhooks are posted (they are counted as without subscriber). */
  webhookUrl?: string;
  /** @defaultValue a pino logger at `logLevel` */
  logger?: Logger;
  /** Used when no logger is given. @defaultValue 'silent' */
  logLevel?: pino.LevelWithSilent;
  /** Webhook pacing, batching, chaos and retries; see webhook-settings.ts. */
  webhooks?: WebhookSettingsPatch;
  /** HTTP status answered with 130429/131056. Meta's table says 400; some copies say 429. @defaultValue 400 */
  rateLimitHttpStatus?: 400 | 429;
  /** Management calls per WABA per hour before 80007. @defaultValue 5000 */
  managementCallsPerHour?: number;
  /** Send requests kept for `requests()`; counters stay exact beyond it. @defaultValue 200000 */
  maxRecordedRequests?: number;
  /** Seed for fractions, jitter and shuffles. @defaultValue random */
  seed?: number;
  /** Clock for arrival times, rate limits, windows and webhook timestamps (ms). @defaultValue Date.now */
  now?: () => number;
  /** Initial apps, WABAs, phone numbers and tokens; restored by `reset('all')`. */
  setup?: SetupInput;
}

export type SimulatorSnapshot = ReturnType<SimulatorState['snapshot']>;

export interface SimulatorStats {
  phoneNumbers: Record<string, PhoneNumberStats>;
  totals: {
    received: number;
    accepted: number;
    rejected: number;
    faulted: number;
    limitsEnforced: { throughput: number; pair: number };
  };
  /** False once more requests arrived than `maxRecordedRequests` (counters remain exact). */
  requestLogComplete: boolean;
  webhooks: WebhookStats;
  /** The process hosting the simulator (meaningful when it runs alone, e.g. `npm run simulator`). */
  process: { cpuUserMs: number; cpuSystemMs: number; rssBytes: number; uptimeMs: number };
}

/**
 * observations: counters, request log, webhook delivery log.
 * traffic (default): observations plus rate-limit memory, service windows, faults, delivery
 *   outcomes, pending webhooks and webhook settings — the configured accounts stay.
 * all: traffic plus the configuration, back to what createSimulator() set up.
 */
export type ResetScope = 'observations' | 'traffic' | 'all';

export interface VerifyCallbackResult {
  ok: boolean;
  status: number | null;
  challenge: string;
  body: string | null;
  error: string | null;
}

export interface Simulator {
  /** Base URL, e.g. http://127.0.0.1:4010 — use it as the Graph API base URL. */
  readonly url: string;
  readonly port: number;
  readonly defaultAppId: string;

  configure(setup: SetupInput): SimulatorSnapshot;
  upsertApp(input: AppInput): SimApp;
  /** Shortcut for the default app's callback URL (null stops webhooks) and, optionally, its secret. */
  setWebhookTarget(target: { url: string | null; appSecret?: string }): SimApp;
  upsertWaba(input: WabaInput): Omit<SimWaba, 'templates'>;
  upsertTemplate(wabaId: string, input: TemplateInput): Omit<SimTemplate, 'shape'>;
  updateTemplate(wabaId: string, name: string, language: string, patch: TemplatePatch): Omit<SimTemplate, 'shape'>;
  removeTemplate(wabaId: string, name: string, language: string): boolean;
  upsertPhoneNumber(input: PhoneNumberInput): SimPhoneNumber;
  updatePhoneNumber(id: string, patch: PhoneNumberPatch): SimPhoneNumber;
  upsertToken(input: TokenInput): SimToken;
  updateToken(token: string, patch: TokenPatch): SimToken;
  snapshot(): SimulatorSnapshot;

  addFault(input: FaultInput): Rule<Fault>;
  listFaults(): Rule<Fault>[];
  removeFault(id: string): boolean;
  clearFaults(): void;
  addDeliveryOutcome(input: DeliveryOutcomeInput): Rule<DeliveryOutcome>;
  listDeliveryOutcomes(): Rule<DeliveryOutcome>[];
  removeDeliveryOutcome(id: string): boolean;
  clearDeliveryOutcomes(): void;
  webhookSettings(): WebhookSettings;
  updateWebhookSettings(patch: WebhookSettingsPatch): WebhookSettings;

  sendInboundMessage(input: InboundMessageInput): ReturnType<typeof sendInboundMessage>;
  sendQualityUpdate(input: QualityUpdateInput): { value: Record<string, unknown> };
  sendTemplateStatusUpdate(input: TemplateStatusUpdateInput): { value: Record<string, unknown> };
  sendAccountUpdate(input: AccountUpdateInput): { value: Record<string, unknown> };
  sendRawWebhook(input: RawWebhookInput): { value: Record<string, unknown> };
  /** Meta's GET handshake against an app's callback URL. */
  verifyCallback(input: { verifyToken: string; appId?: string }): Promise<VerifyCallbackResult>;

  stats(): SimulatorStats;
  requests(filter?: RequestFilter): ReceivedRequest[];
  webhookDeliveries(): WebhookDeliveryRecord[];
  /** Posts collected webhook updates now instead of after the flush interval. */
  flushWebhooks(): void;
  /** Resolves true once every scheduled status and webhook POST (retries included) is done; false on timeout. */
  waitForWebhooks(timeoutMs?: number): Promise<boolean>;
  reset(scope?: ResetScope): void;
  close(): Promise<void>;
}

const PAIR_SWEEP_INTERVAL_MS = 60_000;

export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const logger = options.logger ?? pino({ level: options.logLevel ?? 'silent', name: 'graph-simulator' });
  const random = options.seed === undefined ? Math.random : seededRandom(options.seed);
  const now = options.now ?? Date.now;
  const initialWebhookSettings = WebhookSettingsSchema.parse({ ...DEFAULT_WEBHOOK_SETTINGS, ...options.webhooks });
  const defaultAppId = options.appId ?? newNumericId();
  const state = new SimulatorState(defaultAppId);
  const idle = new IdleTracker();

  const ctx: SimulatorContext = {
    state,
    throughputWindows: new Map<string, SlidingSecondWindow>(),
    pairLimiter: new PairRateLimiter(),
    serviceWindows: new ServiceWindows(),
    faults: new RuleBook<Fault>(random, 'fault'),
    deliveryOutcomes: new RuleBook<DeliveryOutcome>(random, 'outcome'),
    recorder: new Recorder(options.maxRecordedRequests ?? 200_000),
    dispatcher: new WebhookDispatcher({ settings: () => ctx.webhookSettings, logger, random, idle, now }),
    statusQueue: new TimerQueue<ScheduledStatus>((scheduled) => emitStatus(ctx, scheduled)),
    idle,
    webhookSettings: initialWebhookSettings,
    now,
    random,
    logger,
    limits: {
      rateLimitHttpStatus: options.rateLimitHttpStatus ?? 400,
      managementCallsPerHour: options.managementCallsPerHour ?? 5000,
    },
    managementUsage: new Map(),
    baseUrl: '',
  };

  const randomSecret = () => randomBytes(16).toString('hex');
  const initialAppSecret = options.appSecret ?? randomSecret();
  const restoreInitialState = () => {
    state.upsertApp({ id: defaultAppId, secret: initialAppSecret, callbackUrl: options.webhookUrl ?? null }, randomSecret);
    if (options.setup) configure(options.setup);
  };
  const configure = (setup: SetupInput) => {
    const parsed = SetupInputSchema.parse(setup);
    for (const app of parsed.apps ?? []) state.upsertApp(app, randomSecret);
    for (const waba of parsed.wabas ?? []) state.upsertWaba(waba);
    for (const phone of parsed.phoneNumbers ?? []) state.upsertPhoneNumber(phone);
    for (const token of parsed.tokens ?? []) state.upsertToken(token);
    return state.snapshot();
  };
  const withoutShape = ({ shape: _shape, ...template }: SimTemplate) => structuredClone(template);
  const withoutTemplates = ({ templates: _templates, ...waba }: SimWaba) => structuredClone(waba);

  const dropPendingWebhooks = () => {
    ctx.statusQueue.drain();
    ctx.dispatcher.dropPending();
    idle.clear();
  };

  const holds = new Holds();
  const pairSweep = setInterval(() => ctx.pairLimiter.sweep(now()), PAIR_SWEEP_INTERVAL_MS);
  pairSweep.unref();

  const simulator: Simulator = {
    get url() {
      return ctx.baseUrl;
    },
    get port() {
      return Number(new URL(ctx.baseUrl).port);
    },
    defaultAppId,

    configure,
    upsertApp: (input) => structuredClone(state.upsertApp(AppInputSchema.parse(input), randomSecret)),
    setWebhookTarget: ({ url, appSecret }) =>
      structuredClone(state.upsertApp({ id: defaultAppId, callbackUrl: url, ...(appSecret && { secret: appSecret }) }, randomSecret)),
    upsertWaba: (input) => withoutTemplates(state.upsertWaba(WabaInputSchema.parse(input))),
    upsertTemplate: (wabaId, input) => withoutShape(state.upsertTemplate(wabaId, TemplateInputSchema.parse(input))),
    updateTemplate: (wabaId, name, language, patch) =>
      withoutShape(state.updateTemplate(wabaId, name, language, TemplatePatchSchema.parse(patch))),
    removeTemplate: (wabaId, name, language) => state.removeTemplate(wabaId, name, language),
    upsertPhoneNumber: (input) => structuredClone(state.upsertPhoneNumber(PhoneNumberInputSchema.parse(input))),
    updatePhoneNumber: (id, patch) => structuredClone(state.updatePhoneNumber(id, PhoneNumberPatchSchema.parse(patch))),
    upsertToken: (input) => structuredClone(state.upsertToken(TokenInputSchema.parse(input))),
    updateToken: (token, patch) => structuredClone(state.updateToken(token, TokenPatchSchema.parse(patch))),
    snapshot: () => state.snapshot(),

    addFault: (input) => structuredClone(ctx.faults.add(...splitRule(FaultInputSchema.parse(input)))),
    listFaults: () => structuredClone([...ctx.faults.list()]),
    removeFault: (id) => ctx.faults.remove(id),
    clearFaults: () => ctx.faults.clear(),
    addDeliveryOutcome: (input) => structuredClone(ctx.deliveryOutcomes.add(...splitRule(DeliveryOutcomeInputSchema.parse(input)))),
    listDeliveryOutcomes: () => structuredClone([...ctx.deliveryOutcomes.list()]),
    removeDeliveryOutcome: (id) => ctx.deliveryOutcomes.remove(id),
    clearDeliveryOutcomes: () => ctx.deliveryOutcomes.clear(),
    webhookSettings: () => structuredClone(ctx.webhookSettings),
    updateWebhookSettings: (patch) => {
      ctx.webhookSettings = WebhookSettingsSchema.parse({ ...ctx.webhookSettings, ...WebhookSettingsPatchSchema.parse(patch) });
      return structuredClone(ctx.webhookSettings);
    },

    sendInboundMessage: (input) => sendInboundMessage(ctx, InboundMessageInputSchema.parse(input)),
    sendQualityUpdate: (input) => sendQualityUpdate(ctx, QualityUpdateInputSchema.parse(input)),
    sendTemplateStatusUpdate: (input) => sendTemplateStatusUpdate(ctx, TemplateStatusUpdateInputSchema.parse(input)),
    sendAccountUpdate: (input) => sendAccountUpdate(ctx, AccountUpdateInputSchema.parse(input)),
    sendRawWebhook: (input) => sendRawWebhook(ctx, RawWebhookInputSchema.parse(input)),
    verifyCallback: (input) => verifyCallback(state.requireApp(input.appId ?? defaultAppId), input.verifyToken),

    stats: () => statsOf(ctx),
    requests: (filter) => ctx.recorder.list(filter),
    webhookDeliveries: () => ctx.dispatcher.deliveries(),
    flushWebhooks: () => ctx.dispatcher.flushAll(),
    waitForWebhooks: (timeoutMs = 10_000) => idle.wait(timeoutMs),

    reset: (scope = 'traffic') => {
      ctx.recorder.clear();
      ctx.dispatcher.resetStats();
      if (scope === 'observations') return;
      dropPendingWebhooks();
      ctx.throughputWindows.clear();
      ctx.pairLimiter.clear();
      ctx.serviceWindows.clear();
      ctx.faults.clear();
      ctx.deliveryOutcomes.clear();
      ctx.managementUsage.clear();
      ctx.webhookSettings = initialWebhookSettings;
      if (scope === 'all') {
        state.clear();
        restoreInitialState();
      }
    },

    close: async () => {
      clearInterval(pairSweep);
      holds.releaseAll();
      ctx.statusQueue.close();
      idle.clear();
      await ctx.dispatcher.close();
      await server.close();
    },
  };

  restoreInitialState();
  const server = buildSimulatorServer({ ctx, simulator, holds, logger });
  await server.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = server.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  ctx.baseUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host}:${address.port}`;
  logger.info({ url: ctx.baseUrl }, 'Graph API simulator listening');
  return simulator;
}

/** Rule inputs carry their selector and their action in one flat object. */
function splitRule<T extends { phoneNumberId?: string; recipient?: string; times?: number; fraction?: number }>(input: T) {
  const { phoneNumberId, recipient, times, fraction } = input;
  return [{ phoneNumberId, recipient, times, fraction }, input] as const;
}

function statsOf(ctx: SimulatorContext): SimulatorStats {
  const phoneNumbers = ctx.recorder.phoneStats();
  const totals = { received: 0, accepted: 0, rejected: 0, faulted: 0, limitsEnforced: { throughput: 0, pair: 0 } };
  for (const stats of Object.values(phoneNumbers)) {
    totals.received += stats.received;
    totals.accepted += stats.accepted;
    totals.rejected += stats.rejected;
    totals.faulted += stats.faulted;
    totals.limitsEnforced.throughput += stats.limitsEnforced.throughput;
    totals.limitsEnforced.pair += stats.limitsEnforced.pair;
  }
  const cpu = process.cpuUsage();
  return {
    phoneNumbers,
    totals,
    requestLogComplete: !ctx.recorder.truncated,
    webhooks: ctx.dispatcher.stats(),
    process: {
      cpuUserMs: Math.round(cpu.user / 1000),
      cpuSystemMs: Math.round(cpu.system / 1000),
      rssBytes: process.memoryUsage.rss(),
      uptimeMs: Math.round(process.uptime() * 1000),
    },
  };
}

async function verifyCallback(app: SimApp, verifyToken: string): Promise<VerifyCallbackResult> {
  const challenge = String(Math.floor(Math.random() * 2_000_000_000));
  if (!app.callbackUrl) return { ok: false, status: null, challenge, body: null, error: 'the app has no callback URL' };
  const url = new URL(app.callbackUrl);
  url.searchParams.set('hub.mode', 'subscribe');
  url.searchParams.set('hub.challenge', challenge);
  url.searchParams.set('hub.verify_token', verifyToken);
  try {
    const response = await httpRequest(url, { method: 'GET', headersTimeout: 10_000, bodyTimeout: 10_000 });
    const body = await response.body.text();
    return { ok: response.statusCode === 200 && body === challenge, status: response.statusCode, challenge, body, error: null };
  } catch (error) {
    return { ok: false, status: null, challenge, body: null, error: (error as Error).message };
  }
}
