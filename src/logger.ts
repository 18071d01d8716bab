/**
 * The process logger. Secrets must never reach a log line (invariant 6), so every field that
 * can carry one is redacted here, whatever code logs it.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

const SECRET_FIELDS = [
  'accessToken', 'appSecret', 'apiKey', 'password', 'token', 'secret', 'authorization',
  'verifyToken', 'sessionSecret', 'adminPassword', 'credentialsKeys', 'cookie',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

export type { Logger };

export function createLogger(
  config: Pick<Config, 'logLevel' | 'nodeEnv'>,
  name = 'ocm',
  destination?: DestinationStream,
): Logger {
  return pino({
    name,
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: name },
  }, destination);
}
