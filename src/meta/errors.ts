/**
 * Errors from talking to the Graph API. `MetaApiError` is an answer from Meta with its error
 * envelope; `MetaTransportError` is no usable answer at all (network, timeout, 5xx without JSON).
 * Messages never contain the access token: URLs are not included and bodies are Meta's own.
 */
import { classifyMetaError, type MetaErrorClass } from './classify.js';

export class MetaApiError extends Error {
  readonly kind: MetaErrorClass;

  constructor(
    readonly code: number,
    readonly title: string,
    readonly details: string | undefined,
    readonly subcode: number | undefined,
    readonly fbtraceId: string | undefined,
    readonly httpStatus: number,
  ) {
    super(`Meta error ${code}: ${title}${details ? ` (${details})` : ''}`);
    this.name = 'MetaApiError';
    this.kind = classifyMetaError(code, subcode, httpStatus);
  }
}

export class MetaTransportError extends Error {
  constructor(
    message: string,
    /** True when the request may have reached Meta (the answer was lost): do not resend blindly. */
    readonly maybeDelivered: boolean,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'MetaTransportError';
  }
}

/** Meta's `message` is "(#code) title"; titles are slated for deprecation, so never parse beyond that. */
export function titleOf(message: string | undefined): string {
  return (message ?? 'Unknown error').replace(/^\(#\d+\)\s*/, '');
}
