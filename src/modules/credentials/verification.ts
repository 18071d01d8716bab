/**
 * What Meta says about a credential, turned into our status and a sentence an operator can act
 * on (meta-cloud-api.md §5): the phone number's fields, the WABA's app subscription, and the
 * template catalogue. Pure mapping lives here; the service stores the outcome.
 */
import type { Auth, GraphClient, MetaTemplate, PhoneNumberInfo } from '../../meta/graph-client.js';
import { MetaApiError, MetaTransportError } from '../../meta/errors.js';

export type CheckedStatus = 'connected' | 'invalid' | 'error';

export interface VerificationOutcome {
  status: CheckedStatus;
  lastError: string | null;
  phone?: PhoneSnapshot;
  wabaSubscribed?: boolean;
  /** Undefined when the catalogue could not be read (keep the old one). */
  templates?: MetaTemplate[];
}

export interface PhoneSnapshot {
  displayPhoneNumber?: string;
  verifiedName?: string;
  qualityRating?: string;
  messagingLimitTier?: string;
  throughput: { level?: string; messagesPerSecond: number };
  platformType?: string;
  status?: string;
  nameStatus?: string;
  codeVerificationStatus?: string;
  canSendMessage?: string;
}

/** Messages per second by Meta's throughput level (§3.1): 80 standard, 1,000 after the automatic upgrade. */
export function messagesPerSecondForLevel(level: string | undefined): number {
  return level?.toUpperCase() === 'HIGH' ? 1000 : 80;
}

export function phoneSnapshot(info: PhoneNumberInfo): PhoneSnapshot {
  return {
    displayPhoneNumber: info.display_phone_number,
    verifiedName: info.verified_name,
    qualityRating: info.quality_rating,
    // v24+ renamed the tier field; older API versions only have the old one.
    messagingLimitTier: info.whatsapp_business_manager_messaging_limit ?? info.messaging_limit_tier,
    throughput: { level: info.throughput?.level, messagesPerSecond: messagesPerSecondForLevel(info.throughput?.level) },
    platformType: info.platform_type,
    status: info.status,
    nameStatus: info.name_status,
    codeVerificationStatus: info.code_verification_status,
    canSendMessage: info.health_status?.can_send_message,
  };
}

/** The credential-level reading of a Meta error, for verification and for failures mid-campaign alike. */
export function describeCredentialError(error: unknown, ids: { phoneNumberId: string; wabaId: string }): { status: CheckedStatus; lastError: string } {
  if (error instanceof MetaTransportError) {
    return { status: 'error', lastError: `Meta could not be reached: ${error.message}. We will check again shortly.` };
  }
  if (!(error instanceof MetaApiError)) {
    return { status: 'error', lastError: 'The check failed unexpectedly; it will be retried.' };
  }
  const code = error.code;
  const tag = `(Meta error ${code}${error.subcode ? `/${error.subcode}` : ''})`;
  if (code === 190 || code === 0) {
    return { status: 'invalid', lastError: `The access token has expired or was revoked ${tag}: create a new System User token and update the credential.` };
  }
  if ((code === 100 && error.subcode === 33) || code === 33) {
    return { status: 'invalid', lastError: `The token cannot see phone number id ${ids.phoneNumberId} or WABA ${ids.wabaId} ${tag}: check both ids and that the System User has the WhatsApp account assigned.` };
  }
  if (code === 10 || (code >= 200 && code <= 299) || code === 3 || code === 131005) {
    return { status: 'invalid', lastError: `The token lacks a permission ${tag}: give the System User whatsapp_business_messaging and whatsapp_business_management on this WABA, then create a new token.` };
  }
  if (code === 133010) {
    return { status: 'error', lastError: `Phone number ${ids.phoneNumberId} is not registered with the Cloud API ${tag}: register it with POST /${ids.phoneNumberId}/register.` };
  }
  if (code === 368 || code === 131031) {
    return { status: 'error', lastError: `The WhatsApp Business Account is restricted or locked ${tag}: check WhatsApp Manager for the reason and remedy.` };
  }
  if (code === 131042) {
    return { status: 'error', lastError: `Meta reports a payment or eligibility problem ${tag}: add a valid payment method in WhatsApp Manager.` };
  }
  if (error.kind === 'transient' || error.kind.startsWith('rate_')) {
    return { status: 'error', lastError: `Meta is unavailable or throttling us ${tag}: ${error.title}. We will check again shortly.` };
  }
  return { status: 'error', lastError: `Meta refused the check ${tag}: ${error.title}.` };
}

const BLOCKED_PHONE_STATUSES = new Set(['BANNED', 'RESTRICTED', 'DISCONNECTED', 'DELETED', 'FLAGGED', 'RATE_LIMITED', 'MIGRATED']);

/** A readable phone number can still be unusable: not registered, banned, blocked. */
function phoneProblem(phone: PhoneSnapshot, phoneNumberId: string): string | null {
  const status = phone.status?.toUpperCase();
  if (status && BLOCKED_PHONE_STATUSES.has(status)) {
    return `Meta reports phone number ${phoneNumberId} as ${status}: check its status in WhatsApp Manager.`;
  }
  if (phone.platformType && phone.platformType.toUpperCase() !== 'CLOUD_API') {
    return `Phone number ${phoneNumberId} is not registered with the Cloud API (platform ${phone.platformType}): register it with POST /${phoneNumberId}/register.`;
  }
  if (phone.canSendMessage?.toUpperCase() === 'BLOCKED') {
    return `Meta's health check says phone number ${phoneNumberId} cannot send messages: see health_status in WhatsApp Manager.`;
  }
  return null;
}

export async function checkWithMeta(
  graph: GraphClient,
  ids: { phoneNumberId: string; wabaId: string },
  auth: Auth,
): Promise<VerificationOutcome> {
  let phone: PhoneSnapshot;
  try {
    phone = phoneSnapshot(await graph.getPhoneNumber(ids.phoneNumberId, auth));
  } catch (error) {
    return describeCredentialError(error, ids);
  }
  const problem = phoneProblem(phone, ids.phoneNumberId);
  if (problem) return { status: 'error', lastError: problem, phone };

  let wabaSubscribed: boolean;
  try {
    wabaSubscribed = (await graph.listSubscribedApps(ids.wabaId, auth)).length > 0;
  } catch (error) {
    return { ...describeCredentialError(error, ids), phone };
  }
  if (!wabaSubscribed) {
    return {
      status: 'error', phone, wabaSubscribed,
      lastError: `WABA ${ids.wabaId} is not subscribed to any app, so Meta sends no status webhooks: call POST /${ids.wabaId}/subscribed_apps with this token.`,
    };
  }

  try {
    const templates = await graph.listTemplates(ids.wabaId, auth);
    return { status: 'connected', lastError: null, phone, wabaSubscribed, templates };
  } catch (error) {
    const { status, lastError } = describeCredentialError(error, ids);
    // The number works; an unreadable catalogue is only a warning unless the token itself is bad.
    return status === 'invalid'
      ? { status, lastError, phone, wabaSubscribed }
      : { status: 'connected', lastError: `Templates could not be synced: ${lastError}`, phone, wabaSubscribed };
  }
}
