/**
 * Meta error codes → what the sender does about them (meta-cloud-api.md §2). Errors are
 * classified here, once (invariant 4); everything else branches on the class, never on a code.
 */

export type MetaErrorClass =
  /** Retry with exponential backoff and jitter. */
  | 'transient'
  /** Throttled on the whole Meta app: slow every sender down. */
  | 'rate_app'
  /** Management-call limit for a WABA. */
  | 'rate_waba'
  /** Throughput of this phone number exceeded (130429): lower its rate, retry without burning an attempt. */
  | 'rate_phone'
  /** Spam rate limit (131048): stop this number for a long while, alert. */
  | 'quality_phone'
  /** Pair rate (131056): delay only this recipient, 4^n seconds. */
  | 'rate_pair'
  /** Permanent for this recipient: fail the message. */
  | 'recipient'
  /** Permanent for the template or payload: pause the campaign. */
  | 'template'
  /** Credential or account problem: mark the credential and pause everything on it. */
  | 'account';

const TRANSIENT = new Set([1, 2, 131000, 131016, 131057, 133004]);
const RATE_APP = new Set([4]);
const RATE_WABA = new Set([80007, 80008]);
const RATE_PHONE = new Set([130429]);
const QUALITY_PHONE = new Set([131048]);
const RATE_PAIR = new Set([131056]);
const RECIPIENT = new Set([131021, 131026, 131030, 131047, 131049, 131050, 130472, 130497]);
const TEMPLATE = new Set([100, 131008, 131009, 131051, 131053, 131058, 132000, 132001, 132005, 132007,
  132012, 132015, 132016, 132068, 132069, 135000]);
const ACCOUNT = new Set([0, 3, 10, 33, 190, 131005, 131031, 131042, 131045, 133000, 133010, 368]);

/** Template codes that pause a campaign by the contract (the template itself is not usable). */
export const TEMPLATE_REJECTED_CODES = new Set([132000, 132001, 132015, 132016]);

/** Codes where retrying later can succeed, for `retry-failed` without `all`. */
export function isRetryableLater(code: number | undefined): boolean {
  if (code === undefined) return true;
  const kind = classifyMetaError(code, undefined, 400);
  // 131049 asks for ≥ 24 h, 130472 is an experiment, 131026 can change (user updates the app).
  return kind === 'transient' || kind.startsWith('rate_') || [131026, 131049, 130472].includes(code);
}

export function classifyMetaError(code: number, subcode: number | undefined, httpStatus: number): MetaErrorClass {
  if (code === 100 && subcode === 33) return 'account';
  if (TRANSIENT.has(code)) return 'transient';
  if (RATE_APP.has(code)) return 'rate_app';
  if (RATE_WABA.has(code)) return 'rate_waba';
  if (RATE_PHONE.has(code)) return 'rate_phone';
  if (QUALITY_PHONE.has(code)) return 'quality_phone';
  if (RATE_PAIR.has(code)) return 'rate_pair';
  if (RECIPIENT.has(code)) return 'recipient';
  if (TEMPLATE.has(code)) return 'template';
  if (ACCOUNT.has(code) || (code >= 200 && code <= 299)) return 'account';
  // Unknown code: a server-side failure is worth retrying; a client-side one is our payload's fault.
  return httpStatus >= 500 ? 'transient' : 'template';
}
