/**
 * What the simulator can be configured with: apps, WABAs, templates, phone numbers and tokens.
 *
 * One zod schema per input, shared by the programmatic API and the admin HTTP API, so both accept
 * exactly the same thing. Fields are optional here; defaults are applied where entities are created
 * (state.ts), which keeps the same schemas usable for partial updates.
 */
import { z } from 'zod';

const numericId = z.string().regex(/^\d+$/, 'Graph ids are decimal strings');
/** Meta's enums are upper case; accept the lower-case spelling too (Meta's own create calls use it). */
function upper<const T extends readonly [string, ...string[]]>(values: T) {
  const accepted = [...values, ...values.map((value) => value.toLowerCase())] as Array<T[number] | Lowercase<T[number]>>;
  return z.enum(accepted).transform((value) => value.toUpperCase() as T[number]);
}

export const AppInputSchema = z.strictObject({
  id: numericId.optional(),
  name: z.string().min(1).optional(),
  link: z.string().optional(),
  /** Signs every webhook sent to this app's callback. */
  secret: z.string().min(1).optional(),
  /** Where webhooks for WABAs subscribed to this app are posted; null stops webhooks. */
  callbackUrl: z.url().nullable().optional(),
});
export type AppInput = z.input<typeof AppInputSchema>;

export const TemplateComponentSchema = z.looseObject({
  type: upper(['HEADER', 'BODY', 'FOOTER', 'BUTTONS']),
  format: upper(['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION']).optional(),
  text: z.string().optional(),
  buttons: z
    .array(
      z.looseObject({
        type: upper(['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP', 'FLOW', 'CATALOG', 'MPM', 'VOICE_CALL']),
        text: z.string().optional(),
        url: z.string().optional(),
      }),
    )
    .optional(),
});
export type TemplateComponentInput = z.input<typeof TemplateComponentSchema>;

export const TEMPLATE_STATUSES = [
  'APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL', 'PENDING_DELETION',
  'DELETED', 'ARCHIVED', 'LIMIT_EXCEEDED',
] as const;

export const TemplateInputSchema = z.strictObject({
  id: numericId.optional(),
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'template names are lowercase letters, digits and underscores'),
  language: z.string().min(2),
  category: upper(['MARKETING', 'UTILITY', 'AUTHENTICATION']),
  status: upper([...TEMPLATE_STATUSES]).optional(),
  /** `positional` ({{1}}, {{2}}) or `named` ({{first_name}}); Meta answers it in upper case. */
  parameterFormat: upper(['POSITIONAL', 'NAMED']).optional(),
  components: z.array(TemplateComponentSchema).optional(),
  qualityScore: upper(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']).optional(),
});
export type TemplateInput = z.input<typeof TemplateInputSchema>;

export const TemplatePatchSchema = TemplateInputSchema.omit({ name: true, language: true }).partial();
export type TemplatePatch = z.input<typeof TemplatePatchSchema>;

export const WabaInputSchema = z.strictObject({
  id: numericId.optional(),
  name: z.string().optional(),
  /** The business portfolio; feeds BSUIDs and health_status entities. */
  businessId: numericId.optional(),
  currency: z.string().optional(),
  timezoneId: z.string().optional(),
  messageTemplateNamespace: z.string().optional(),
  /** Apps that receive this WABA's webhooks. Defaults to the simulator's default app. */
  subscribedAppIds: z.array(numericId).optional(),
  templates: z.array(TemplateInputSchema).optional(),
});
export type WabaInput = z.input<typeof WabaInputSchema>;

const HealthErrorSchema = z.strictObject({
  errorCode: z.number().int(),
  errorDescription: z.string(),
  possibleSolution: z.string().optional(),
});

const phoneNumberFields = {
  displayPhoneNumber: z.string().min(5).optional(),
  verifiedName: z.string().optional(),
  qualityRating: upper(['GREEN', 'YELLOW', 'RED', 'NA', 'UNKNOWN']).optional(),
  throughput: z
    .strictObject({
      level: upper(['STANDARD', 'HIGH', 'NOT_APPLICABLE']),
      /** Messages per second enforced; defaults to 80 on STANDARD and 1,000 on HIGH. */
      mps: z.number().int().positive().optional(),
    })
    .optional(),
  /** Portfolio messaging limit as `whatsapp_business_manager_messaging_limit` reports it (TIER_2K…). */
  messagingLimitTier: z.string().regex(/^TIER_[A-Z0-9_]+$/).optional(),
  /** What the deprecated `messaging_limit_tier` answers; derived from messagingLimitTier when absent. */
  legacyMessagingLimitTier: z.string().regex(/^TIER_[A-Z0-9_]+$/).optional(),
  status: upper(['CONNECTED', 'DISCONNECTED', 'FLAGGED', 'RESTRICTED', 'PENDING', 'UNVERIFIED', 'BANNED', 'MIGRATED', 'RATE_LIMITED', 'DELETED']).optional(),
  platformType: upper(['CLOUD_API', 'ON_PREMISE', 'NOT_APPLICABLE']).optional(),
  codeVerificationStatus: z.string().optional(),
  nameStatus: z.string().optional(),
  accountMode: upper(['LIVE', 'SANDBOX']).optional(),
  health: z
    .strictObject({
      canSendMessage: upper(['AVAILABLE', 'LIMITED', 'BLOCKED']),
      errors: z.array(HealthErrorSchema).optional(),
    })
    .optional(),
  /** A public test number: only these recipients (at most 5) can be messaged; others get 131030. */
  testNumber: z.strictObject({ allowedRecipients: z.array(z.string()).max(5) }).nullable().optional(),
  /**
   * Per (number, recipient) rate: a burst of `burst` messages, refilled at one per
   * `refillIntervalMs`. Meta: steady 1 per 6 s, bursts up to 45.
   */
  pairRateLimit: z
    .strictObject({ burst: z.number().int().positive(), refillIntervalMs: z.number().int().positive() })
    .optional(),
};

export const PhoneNumberInputSchema = z.strictObject({
  id: numericId.optional(),
  wabaId: numericId,
  ...phoneNumberFields,
});
export type PhoneNumberInput = z.input<typeof PhoneNumberInputSchema>;

export const PhoneNumberPatchSchema = z.strictObject(phoneNumberFields);
export type PhoneNumberPatch = z.input<typeof PhoneNumberPatchSchema>;

export const TokenInputSchema = z.strictObject({
  token: z.string().min(8),
  appId: numericId.optional(),
  type: upper(['SYSTEM_USER', 'USER', 'PAGE', 'APP']).optional(),
  /** WABAs the token was granted; it sees their phone numbers and templates, nothing else. */
  wabaIds: z.array(numericId).optional(),
  /** An expired token answers 190 with subcode 463. */
  expired: z.boolean().optional(),
  /** Unix seconds; 0 = never expires (system-user tokens). Passing it also expires the token once reached. */
  expiresAt: z.number().int().nonnegative().optional(),
  scopes: z.array(z.string()).optional(),
});
export type TokenInput = z.input<typeof TokenInputSchema>;

export const TokenPatchSchema = TokenInputSchema.omit({ token: true }).partial();
export type TokenPatch = z.input<typeof TokenPatchSchema>;

/** Everything at once — what black-box tests and the sandbox typically send in one call. */
export const SetupInputSchema = z.strictObject({
  apps: z.array(AppInputSchema).optional(),
  wabas: z.array(WabaInputSchema).optional(),
  phoneNumbers: z.array(PhoneNumberInputSchema).optional(),
  tokens: z.array(TokenInputSchema).optional(),
});
export type SetupInput = z.input<typeof SetupInputSchema>;
