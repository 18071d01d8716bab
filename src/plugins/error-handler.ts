/**
 * Turns every error — ours, zod's, Fastify's own (bad JSON, body too large, bad URL encoding) —
 * into the contract's error shape. 5xx answers are masked and logged with the request id;
 * no stack trace or internal message ever reaches a client.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorDetail } from '../errors.js';

type Location = ErrorDetail['in'];

const LOCATION: Record<string, Location> = {
  body: 'body', querystring: 'query', params: 'params', headers: 'headers',
};

interface ZodIssueLike {
  instancePath: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

function fieldName(instancePath: string): string {
  return instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
}

/** One detail per offending field; an unknown key becomes one detail per key. */
export function validationDetails(issues: ZodIssueLike[], location: Location): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    const parent = fieldName(issue.instancePath);
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(issue.params?.keys)) {
      for (const key of issue.params.keys as string[]) {
        details.push({ field: parent ? `${parent}.${key}` : key, in: location, message: 'is not a known field; remove it' });
      }
      continue;
    }
    details.push({ field: parent || '(root)', in: location, message: issue.message ?? 'is invalid' });
  }
  return details;
}

function describe(details: ErrorDetail[]): string {
  const listed = details.slice(0, 5).map((detail) => `${detail.field} ${detail.message}`).join('; ');
  const more = details.length > 5 ? ` (and ${details.length - 5} more)` : '';
  return `The request is invalid: ${listed}${more}.`;
}

function validationError(error: FastifyError & { validation: ZodIssueLike[] }): AppError {
  const location = LOCATION[error.validationContext ?? 'body'] ?? 'body';
  const details = validationDetails(error.validation, location);
  return new AppError('validation_error', describe(details), { details });
}

/** Maps Fastify's framework errors to ours; anything unknown under 500 keeps its status as a bad request. */
function fromFramework(error: FastifyError): AppError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('invalid_json', 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json', 'The request body is empty, but Content-Type says it is JSON; send a JSON document.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'The request body is larger than this route accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new AppError('unsupported_media_type', 'This route accepts application/json request bodies only; set Content-Type: application/json.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('bad_request', 'The Content-Length header does not match the body.');
    case 'FST_ERR_BAD_URL':
      return new AppError('bad_request', 'The URL is not valid: check its percent-encoding.');
    default:
      break;
  }
  if (error instanceof SyntaxError) return new AppError('invalid_json', 'The request body is not valid JSON.');
  if (error.statusCode === 429) {
    return new AppError('rate_limited', 'Too many requests; slow down and retry after the time in the Retry-After header.');
  }
  if (error.statusCode === 413) return new AppError('payload_too_large', 'The request body is larger than this route accepts.');
  if (error.statusCode === 415) {
    return new AppError('unsupported_media_type', 'This route accepts application/json request bodies only; set Content-Type: application/json.');
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('bad_request', 'The request could not be understood; check its URL, headers and body.');
  }
  return undefined;
}

const UNAVAILABLE_ERRORS = new Set([
  'MongoServerSelectionError', 'MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoNotConnectedError',
  'MongoTopologyClosedError', 'MaxRetriesPerRequestError',
]);

/** A database or Redis that does not answer is our outage, not the client's mistake: 503, retry later. */
function fromDependency(error: Error): AppError | undefined {
  const unavailable = UNAVAILABLE_ERRORS.has(error.name)
    || /Stream isn't writeable|Connection is closed|enableOfflineQueue/.test(error.message);
  if (!unavailable) return undefined;
  return new AppError('service_unavailable', 'A storage service is not answering right now; retry in a few seconds.', {
    headers: { 'retry-after': '5' }, cause: error,
  });
}

export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (error instanceof Error) {
    const unavailable = fromDependency(error);
    if (unavailable) return unavailable;
  }
  if (hasZodFastifySchemaValidationErrors(error)) return validationError(error as never);
  if (error && typeof error === 'object') return fromFramework(error as FastifyError);
  return undefined;
}

export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = toAppError(error);
  // 503s (a dependency away, readiness) are expected during an outage: a warning, not a stack trace.
  if (known && (known.statusCode < 500 || known.statusCode === 503)) {
    request.log[known.statusCode === 503 ? 'warn' : 'info']({ code: known.code, statusCode: known.statusCode }, known.message);
    return reply.code(known.statusCode).headers(known.headers).type('application/json').send(known.toBody());
  }
  const masked = known ?? new AppError('internal_error', `Something went wrong on our side; quote request id ${request.id} if you contact support.`);
  request.log.error({ err: error }, 'request failed');
  return reply.code(masked.statusCode).headers(known?.headers ?? {}).type('application/json').send(masked.toBody());
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => sendError(
    new AppError('not_found', `No route ${request.method} ${request.url.split('?')[0]} exists.`), request, reply,
  ));
}
