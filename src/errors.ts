/**
 * One registry of the error codes the API answers with, and the error class that carries them.
 * Every error response has the contract's shape: {"error":{"code","message","details"}}.
 * WARNING: codes are part of the public API; clients branch on them. Never rename one.
 */

export const ERROR_CODES = {
  validation_error: 400,
  invalid_json: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  invalid_state: 409,
  idempotency_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
  not_ready: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetail {
  field?: string;
  in?: 'body' | 'query' | 'params' | 'headers';
  message: string;
  [key: string]: unknown;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: ErrorDetail[] };
}

export class AppError extends Error {
  readonly statusCode: number;
  readonly details: ErrorDetail[];
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { details?: ErrorDetail[]; cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.statusCode = ERROR_CODES[code];
    this.details = options.details ?? [];
    this.headers = options.headers ?? {};
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} was not found.`);
export const conflict = (message: string, details?: ErrorDetail[]) => new AppError('conflict', message, { details });
export const invalidState = (message: string) => new AppError('invalid_state', message);
export const unprocessable = (message: string, details?: ErrorDetail[]) =>
  new AppError('unprocessable', message, { details });
