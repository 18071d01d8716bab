/**
 * How Graph presents the simulated objects: phone number, WABA and template nodes (field by field),
 * cursor paging, subscribed apps and debug_token. Pure functions of the state.
 */
import { createHash } from 'node:crypto';
import type { FieldReaders } from './graph-fields.js';
import type { SimApp, SimPhoneNumber, SimTemplate, SimToken, SimWaba, SimulatorState } from './state.js';

const entity = (entityType: string, id: string, canSendMessage = 'AVAILABLE') => ({
  entity_type: entityType,
  id,
  can_send_message: canSendMessage,
});

const WORST_FIRST = ['BLOCKED', 'LIMITED', 'AVAILABLE'];
const worstOf = (values: readonly string[]): string => WORST_FIRST.find((value) => values.includes(value)) ?? 'AVAILABLE';

/** health_status: an overall verdict plus one entry per entity; errors sit on the entity they concern. */
function phoneHealthStatus(phone: SimPhoneNumber, state: SimulatorState, appId: string) {
  const waba = state.wabas.get(phone.wabaId);
  const phoneEntity = {
    ...entity('PHONE_NUMBER', phone.id, phone.health.canSendMessage),
    ...(phone.health.errors.length > 0 && {
      errors: phone.health.errors.map((error) => ({
        error_code: error.errorCode,
        error_description: error.errorDescription,
        ...(error.possibleSolution !== undefined && { possible_solution: error.possibleSolution }),
      })),
    }),
  };
  const entities = [phoneEntity, entity('WABA', phone.wabaId), entity('BUSINESS', waba?.businessId ?? ''), entity('APP', appId)];
  return { can_send_message: worstOf(entities.map((e) => e.can_send_message)), entities };
}

export const DEFAULT_PHONE_FIELDS = ['id', 'display_phone_number', 'verified_name', 'quality_rating'] as const;

export function phoneNumberReaders(state: SimulatorState, token: SimToken): FieldReaders<SimPhoneNumber> {
  return {
    id: (p) => p.id,
    display_phone_number: (p) => p.displayPhoneNumber,
    verified_name: (p) => p.verifiedName,
    quality_rating: (p) => p.qualityRating,
    code_verification_status: (p) => p.codeVerificationStatus,
    name_status: (p) => p.nameStatus,
    new_name_status: () => 'NONE',
    platform_type: (p) => p.platformType,
    status: (p) => p.status,
    throughput: (p) => ({ level: p.throughput.level }),
    // Deprecated from v24.0 but still answered; v23 clients read it.
    messaging_limit_tier: (p) => p.legacyMessagingLimitTier,
    whatsapp_business_manager_messaging_limit: (p) => p.messagingLimitTier,
    health_status: (p) => phoneHealthStatus(p, state, token.appId),
    account_mode: (p) => p.accountMode,
    is_official_business_account: () => false,
    is_pin_enabled: () => false,
    search_visibility: () => 'VISIBLE',
  };
}

export const DEFAULT_WABA_FIELDS = ['id', 'name', 'currency', 'timezone_id', 'message_template_namespace'] as const;

export function wabaReaders(token: SimToken): FieldReaders<SimWaba> {
  return {
    id: (w) => w.id,
    name: (w) => w.name,
    currency: (w) => w.currency,
    timezone_id: (w) => w.timezoneId,
    message_template_namespace: (w) => w.messageTemplateNamespace,
    account_review_status: () => 'APPROVED',
    business_verification_status: () => 'verified',
    ownership_type: () => 'SELF',
    health_status: (w) => ({
      can_send_message: 'AVAILABLE',
      entities: [entity('WABA', w.id), entity('BUSINESS', w.businessId), entity('APP', token.appId)],
    }),
  };
}

/** Meta's default field set and order for message_templates. */
export const DEFAULT_TEMPLATE_FIELDS = ['name', 'parameter_format', 'components', 'language', 'status', 'category', 'id'] as const;

export const templateReaders: FieldReaders<SimTemplate> = {
  id: (t) => t.id,
  name: (t) => t.name,
  parameter_format: (t) => t.parameterFormat,
  components: (t) => t.components,
  language: (t) => t.language,
  status: (t) => t.status,
  category: (t) => t.category,
  quality_score: (t) => ({ score: t.qualityScore }),
  rejected_reason: () => 'NONE',
  sub_category: () => undefined,
};

export function subscribedAppsView(state: SimulatorState, waba: SimWaba) {
  return {
    data: waba.subscribedAppIds
      .map((appId) => state.apps.get(appId))
      .filter((app): app is SimApp => app !== undefined)
      .map((app) => ({ whatsapp_business_api_data: { id: app.id, link: app.link, name: app.name } })),
  };
}

// ---- cursor paging -------------------------------------------------------------------------------

const encodeCursor = (index: number): string => Buffer.from(`cursor:${index}`).toString('base64url');

function decodeCursor(cursor: unknown): number | null {
  if (typeof cursor !== 'string') return null;
  const match = /^cursor:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? Number(match[1]) : null;
}

export interface PageRequest {
  readonly limit?: unknown;
  readonly after?: unknown;
  readonly before?: unknown;
}

/**
 * Graph's cursor paging: `data`, `paging.cursors.{before,after}`, `paging.next` only when more items
 * follow and `paging.previous` only when some precede. `nextUrl(after)` builds the link.
 */
export function pageOf<T>(items: readonly T[], request: PageRequest, link: (param: 'after' | 'before', cursor: string) => string) {
  const parsedLimit = Number(request.limit ?? 25);
  const limit = Number.isInteger(parsedLimit) && parsedLimit > 0 ? Math.min(parsedLimit, 1000) : 25;
  const afterIndex = decodeCursor(request.after);
  const beforeIndex = decodeCursor(request.before);
  let start = 0;
  if (afterIndex !== null) start = afterIndex + 1;
  else if (beforeIndex !== null) start = Math.max(0, beforeIndex - limit);
  const end = beforeIndex !== null && afterIndex === null ? Math.min(beforeIndex, start + limit) : start + limit;
  const data = items.slice(start, end);
  if (data.length === 0) return { data };
  const before = encodeCursor(start);
  const after = encodeCursor(start + data.length - 1);
  return {
    data,
    paging: {
      cursors: { before, after },
      ...(start + data.length < items.length && { next: link('after', after) }),
      ...(start > 0 && { previous: link('before', before) }),
    },
  };
}

// ---- debug_token -----------------------------------------------------------------------------

const numericOf = (text: string): string =>
  (createHash('sha256').update(text).digest().readBigUInt64BE(0) % 9_000_000_000_000_000n + 1_000_000_000_000_000n).toString();

export function debugTokenView(state: SimulatorState, inputToken: string | null, nowMs: number) {
  const check = state.checkToken(inputToken, nowMs);
  if (check.kind === 'unknown') {
    return { data: { error: { code: 190, message: 'Invalid OAuth access token.' }, is_valid: false, scopes: [] } };
  }
  const token = check.token;
  const app = state.apps.get(token.appId);
  const common = {
    app_id: token.appId,
    type: token.type,
    application: app?.name ?? 'Simulated app',
    data_access_expires_at: 0,
  };
  const granularScopes = token.scopes.map((scope) =>
    scope.startsWith('whatsapp_') ? { scope, target_ids: token.wabaIds } : { scope },
  );
  if (check.kind === 'expired') {
    return {
      data: {
        ...common,
        error: {
          code: 190,
          message: `Error validating access token: Session has expired on ${new Date(check.expiredAtMs).toUTCString()}.`,
          subcode: 463,
        },
        expires_at: Math.floor(check.expiredAtMs / 1000),
        is_valid: false,
        scopes: token.scopes,
        user_id: numericOf(token.token),
      },
    };
  }
  return {
    data: {
      ...common,
      expires_at: token.expiresAt,
      is_valid: true,
      scopes: token.scopes,
      granular_scopes: granularScopes,
      user_id: numericOf(token.token),
    },
  };
}
