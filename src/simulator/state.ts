/**
 * The simulated Meta side: apps, WABAs with their templates, business phone numbers and access
 * tokens. Configuration only — traffic memory (rate windows, service windows) lives elsewhere so it
 * can be reset without losing the setup.
 */
import { newNumericId } from './ids.js';
import { countryCodeOfDisplayNumber, recipientKey } from './recipients.js';
import type {
  AppInputSchema,
  PhoneNumberInputSchema,
  PhoneNumberPatchSchema,
  TemplateComponentSchema,
  TemplateInputSchema,
  TemplatePatchSchema,
  TokenInputSchema,
  TokenPatchSchema,
  WabaInputSchema,
} from './state-schemas.js';
import { deriveTemplateShape, type TemplateShape } from './template-shape.js';
import type { z } from 'zod';

/** A configuration request the simulator cannot honour; the admin API answers it with `status`. */
export class SimulatorInputError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
    this.name = 'SimulatorInputError';
  }
}

export interface SimApp {
  id: string;
  name: string;
  link: string;
  secret: string;
  callbackUrl: string | null;
}

export type TemplateComponent = z.output<typeof TemplateComponentSchema>;

export interface SimTemplate {
  id: string;
  name: string;
  language: string;
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  status: string;
  parameterFormat: 'POSITIONAL' | 'NAMED';
  components: TemplateComponent[];
  qualityScore: string;
  /** Derived from components; what a send must supply. */
  shape: TemplateShape;
}

export interface SimWaba {
  id: string;
  name: string;
  businessId: string;
  currency: string;
  timezoneId: string;
  messageTemplateNamespace: string;
  subscribedAppIds: string[];
  templates: SimTemplate[];
}

export interface SimHealthError {
  errorCode: number;
  errorDescription: string;
  possibleSolution?: string;
}

export interface SimPhoneNumber {
  id: string;
  wabaId: string;
  displayPhoneNumber: string;
  /** Digits of the display number, as webhook metadata carries it. */
  displayDigits: string;
  /** Prepended to a `to` written without `+`. */
  countryCode: string | null;
  verifiedName: string;
  qualityRating: string;
  throughput: { level: string; mps: number };
  messagingLimitTier: string;
  legacyMessagingLimitTier: string;
  status: string;
  platformType: string;
  codeVerificationStatus: string;
  nameStatus: string;
  accountMode: string;
  health: { canSendMessage: 'AVAILABLE' | 'LIMITED' | 'BLOCKED'; errors: SimHealthError[] };
  /** Digits of the allowed recipients when this is a public test number. */
  testNumber: { allowedRecipients: string[] } | null;
  pairRateLimit: { burst: number; refillIntervalMs: number };
}

export interface SimToken {
  token: string;
  appId: string;
  type: string;
  wabaIds: string[];
  expired: boolean;
  /** Unix seconds; 0 = never. */
  expiresAt: number;
  scopes: string[];
}

export type TokenCheck =
  | { kind: 'valid'; token: SimToken }
  | { kind: 'expired'; token: SimToken; expiredAtMs: number }
  | { kind: 'unknown' };

const DEFAULT_SCOPES = ['whatsapp_business_messaging', 'whatsapp_business_management', 'business_management'];

/** Meta's defaults: 80 mps on the standard level, 1,000 after the automatic upgrade. */
export function defaultMps(level: string): number {
  return level === 'HIGH' ? 1000 : 80;
}

/** The deprecated field predates the 2K tier; Meta reported TIER_1K there. */
function legacyTierOf(tier: string): string {
  return tier === 'TIER_2K' ? 'TIER_1K' : tier;
}

export class SimulatorState {
  readonly apps = new Map<string, SimApp>();
  readonly wabas = new Map<string, SimWaba>();
  readonly phoneNumbers = new Map<string, SimPhoneNumber>();
  readonly tokens = new Map<string, SimToken>();
  private readonly templatesById = new Map<string, { waba: SimWaba; template: SimTemplate }>();

  constructor(readonly defaultAppId: string) {}

  get defaultApp(): SimApp {
    const app = this.apps.get(this.defaultAppId);
    if (!app) throw new Error('the default app is missing');
    return app;
  }

  /** Drops everything except the default app. */
  clear(): void {
    const app = this.defaultApp;
    this.apps.clear();
    this.apps.set(app.id, app);
    this.wabas.clear();
    this.phoneNumbers.clear();
    this.tokens.clear();
    this.templatesById.clear();
  }

  upsertApp(input: z.output<typeof AppInputSchema>, fallbackSecret: () => string): SimApp {
    const id = input.id ?? this.defaultAppId;
    const existing = this.apps.get(id);
    const app: SimApp = {
      id,
      name: input.name ?? existing?.name ?? 'ONE CLICK MARKETING (simulated)',
      link: input.link ?? existing?.link ?? `https://www.facebook.com/games/?app_id=${id}`,
      secret: input.secret ?? existing?.secret ?? fallbackSecret(),
      callbackUrl: input.callbackUrl === undefined ? (existing?.callbackUrl ?? null) : input.callbackUrl,
    };
    this.apps.set(id, app);
    return app;
  }

  upsertWaba(input: z.output<typeof WabaInputSchema>): SimWaba {
    const id = input.id ?? newNumericId();
    const existing = this.wabas.get(id);
    for (const appId of input.subscribedAppIds ?? []) this.requireApp(appId);
    const waba: SimWaba = {
      id,
      name: input.name ?? existing?.name ?? 'Simulated WhatsApp Business Account',
      businessId: input.businessId ?? existing?.businessId ?? newNumericId(),
      currency: input.currency ?? existing?.currency ?? 'USD',
      timezoneId: input.timezoneId ?? existing?.timezoneId ?? '1',
      messageTemplateNamespace:
        input.messageTemplateNamespace ?? existing?.messageTemplateNamespace ?? `${id.slice(-8)}_simulated_namespace`,
      subscribedAppIds: input.subscribedAppIds ?? existing?.subscribedAppIds ?? [this.defaultAppId],
      templates: existing?.templates ?? [],
    };
    this.wabas.set(id, waba);
    for (const template of input.templates ?? []) this.upsertTemplate(id, template);
    return waba;
  }

  upsertTemplate(wabaId: string, input: z.output<typeof TemplateInputSchema>): SimTemplate {
    const waba = this.requireWaba(wabaId);
    const index = waba.templates.findIndex((t) => t.name === input.name && t.language === input.language);
    const existing = index >= 0 ? waba.templates[index] : undefined;
    const template = this.buildTemplate({
      id: input.id ?? existing?.id ?? newNumericId(),
      name: input.name,
      language: input.language,
      category: input.category,
      status: input.status ?? 'APPROVED',
      parameterFormat: input.parameterFormat ?? 'POSITIONAL',
      components: input.components ?? [],
      qualityScore: input.qualityScore ?? 'GREEN',
    });
    if (existing) {
      this.templatesById.delete(existing.id);
      waba.templates[index] = template;
    } else {
      waba.templates.push(template);
    }
    this.templatesById.set(template.id, { waba, template });
    return template;
  }

  updateTemplate(wabaId: string, name: string, language: string, patch: z.output<typeof TemplatePatchSchema>): SimTemplate {
    const existing = this.findTemplate(wabaId, name, language);
    if (!existing) throw new SimulatorInputError(`template ${name} (${language}) does not exist in WABA ${wabaId}`, 404);
    const updated = this.buildTemplate({
      id: existing.id,
      name,
      language,
      category: patch.category ?? existing.category,
      status: patch.status ?? existing.status,
      parameterFormat: patch.parameterFormat ?? existing.parameterFormat,
      components: patch.components ?? existing.components,
      qualityScore: patch.qualityScore ?? existing.qualityScore,
    });
    Object.assign(existing, updated);
    return existing;
  }

  removeTemplate(wabaId: string, name: string, language: string): boolean {
    const waba = this.requireWaba(wabaId);
    const index = waba.templates.findIndex((t) => t.name === name && t.language === language);
    if (index < 0) return false;
    this.templatesById.delete(waba.templates[index].id);
    waba.templates.splice(index, 1);
    return true;
  }

  findTemplate(wabaId: string, name: string, language: string): SimTemplate | undefined {
    return this.wabas.get(wabaId)?.templates.find((t) => t.name === name && t.language === language);
  }

  templateById(id: string): { waba: SimWaba; template: SimTemplate } | undefined {
    return this.templatesById.get(id);
  }

  upsertPhoneNumber(input: z.output<typeof PhoneNumberInputSchema>): SimPhoneNumber {
    this.requireWaba(input.wabaId);
    const id = input.id ?? newNumericId();
    const existing = this.phoneNumbers.get(id);
    const base: SimPhoneNumber = existing ?? {
      id,
      wabaId: input.wabaId,
      displayPhoneNumber: `+1 555-01${id.slice(-1)}-${id.slice(-5, -1)}`,
      displayDigits: '',
      countryCode: null,
      verifiedName: 'Simulated Business',
      qualityRating: 'GREEN',
      throughput: { level: 'STANDARD', mps: defaultMps('STANDARD') },
      messagingLimitTier: 'TIER_2K',
      legacyMessagingLimitTier: 'TIER_1K',
      status: 'CONNECTED',
      platformType: 'CLOUD_API',
      codeVerificationStatus: 'VERIFIED',
      nameStatus: 'APPROVED',
      accountMode: 'LIVE',
      health: { canSendMessage: 'AVAILABLE', errors: [] },
      testNumber: null,
      pairRateLimit: { burst: 45, refillIntervalMs: 6000 },
    };
    const phone = { ...base, wabaId: input.wabaId };
    this.applyPhonePatch(phone, input);
    this.phoneNumbers.set(id, phone);
    return phone;
  }

  updatePhoneNumber(id: string, patch: z.output<typeof PhoneNumberPatchSchema>): SimPhoneNumber {
    const phone = this.phoneNumbers.get(id);
    if (!phone) throw new SimulatorInputError(`phone number ${id} does not exist`, 404);
    this.applyPhonePatch(phone, patch);
    return phone;
  }

  upsertToken(input: z.output<typeof TokenInputSchema>): SimToken {
    const existing = this.tokens.get(input.token);
    const appId = input.appId ?? existing?.appId ?? this.defaultAppId;
    this.requireApp(appId);
    for (const wabaId of input.wabaIds ?? []) this.requireWaba(wabaId);
    const token: SimToken = {
      token: input.token,
      appId,
      type: input.type ?? existing?.type ?? 'SYSTEM_USER',
      wabaIds: input.wabaIds ?? existing?.wabaIds ?? [],
      expired: input.expired ?? existing?.expired ?? false,
      expiresAt: input.expiresAt ?? existing?.expiresAt ?? 0,
      scopes: input.scopes ?? existing?.scopes ?? DEFAULT_SCOPES,
    };
    this.tokens.set(token.token, token);
    return token;
  }

  updateToken(value: string, patch: z.output<typeof TokenPatchSchema>): SimToken {
    if (!this.tokens.has(value)) throw new SimulatorInputError('token does not exist', 404);
    return this.upsertToken({ token: value, ...patch });
  }

  checkToken(value: string | null, nowMs: number): TokenCheck {
    const token = value === null ? undefined : this.tokens.get(value);
    if (!token) return { kind: 'unknown' };
    if (token.expired) return { kind: 'expired', token, expiredAtMs: token.expiresAt > 0 ? token.expiresAt * 1000 : nowMs - 3_600_000 };
    if (token.expiresAt > 0 && token.expiresAt * 1000 <= nowMs) return { kind: 'expired', token, expiredAtMs: token.expiresAt * 1000 };
    return { kind: 'valid', token };
  }

  /** The WABA a token can see, or undefined — Meta does not reveal which of the two went wrong. */
  visibleWaba(token: SimToken, wabaId: string): SimWaba | undefined {
    return token.wabaIds.includes(wabaId) ? this.wabas.get(wabaId) : undefined;
  }

  visiblePhoneNumber(token: SimToken, phoneNumberId: string): SimPhoneNumber | undefined {
    const phone = this.phoneNumbers.get(phoneNumberId);
    return phone && token.wabaIds.includes(phone.wabaId) ? phone : undefined;
  }

  requireWaba(id: string): SimWaba {
    const waba = this.wabas.get(id);
    if (!waba) throw new SimulatorInputError(`WABA ${id} does not exist`, 404);
    return waba;
  }

  requirePhoneNumber(id: string): SimPhoneNumber {
    const phone = this.phoneNumbers.get(id);
    if (!phone) throw new SimulatorInputError(`phone number ${id} does not exist`, 404);
    return phone;
  }

  requireApp(id: string): SimApp {
    const app = this.apps.get(id);
    if (!app) throw new SimulatorInputError(`app ${id} does not exist`, 404);
    return app;
  }

  /** Plain JSON of the whole configuration (secrets included: this is a test double). */
  snapshot() {
    return {
      defaultAppId: this.defaultAppId,
      apps: [...this.apps.values()],
      wabas: [...this.wabas.values()].map(({ templates, ...waba }) => ({
        ...waba,
        templates: templates.map(({ shape: _shape, ...template }) => template),
      })),
      phoneNumbers: [...this.phoneNumbers.values()],
      tokens: [...this.tokens.values()],
    };
  }

  private buildTemplate(fields: Omit<SimTemplate, 'shape'>): SimTemplate {
    try {
      return { ...fields, shape: deriveTemplateShape(fields.components, fields.parameterFormat) };
    } catch (error) {
      throw new SimulatorInputError(`template ${fields.name} (${fields.language}): ${(error as Error).message}`);
    }
  }

  private applyPhonePatch(phone: SimPhoneNumber, patch: z.output<typeof PhoneNumberPatchSchema>): void {
    if (patch.displayPhoneNumber !== undefined) phone.displayPhoneNumber = patch.displayPhoneNumber;
    phone.displayDigits = recipientKey(phone.displayPhoneNumber);
    phone.countryCode = countryCodeOfDisplayNumber(phone.displayPhoneNumber);
    if (patch.verifiedName !== undefined) phone.verifiedName = patch.verifiedName;
    if (patch.qualityRating !== undefined) phone.qualityRating = patch.qualityRating;
    if (patch.throughput !== undefined) {
      phone.throughput = { level: patch.throughput.level, mps: patch.throughput.mps ?? defaultMps(patch.throughput.level) };
    }
    if (patch.messagingLimitTier !== undefined) {
      phone.messagingLimitTier = patch.messagingLimitTier;
      phone.legacyMessagingLimitTier = patch.legacyMessagingLimitTier ?? legacyTierOf(patch.messagingLimitTier);
    } else if (patch.legacyMessagingLimitTier !== undefined) {
      phone.legacyMessagingLimitTier = patch.legacyMessagingLimitTier;
    }
    if (patch.status !== undefined) phone.status = patch.status;
    if (patch.platformType !== undefined) phone.platformType = patch.platformType;
    if (patch.codeVerificationStatus !== undefined) phone.codeVerificationStatus = patch.codeVerificationStatus;
    if (patch.nameStatus !== undefined) phone.nameStatus = patch.nameStatus;
    if (patch.accountMode !== undefined) phone.accountMode = patch.accountMode;
    if (patch.health !== undefined) phone.health = { canSendMessage: patch.health.canSendMessage, errors: patch.health.errors ?? [] };
    if (patch.testNumber !== undefined) {
      phone.testNumber = patch.testNumber && { allowedRecipients: patch.testNumber.allowedRecipients.map(recipientKey) };
    }
    if (patch.pairRateLimit !== undefined) phone.pairRateLimit = { ...patch.pairRateLimit };
  }
}
