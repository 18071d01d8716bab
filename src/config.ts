/**
 * The process configuration (contract §2), parsed once with zod and frozen.
 * This is the only module that reads `process.env`: everything else receives a `Config`.
 * A bad value stops start-up with one line per problem, naming the variable and what is wrong.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';

export type NodeEnv = 'development' | 'test' | 'production';

export interface CredentialsKey {
  id: string;
  key: Buffer;
}

export interface Config {
  nodeEnv: NodeEnv;
  port: number;
  host: string;
  mongoUrl: string | undefined;
  redisUrl: string | undefined;
  publicBaseUrl: string;
  /** Key ring for access-token encryption: the first key encrypts, every key decrypts. */
  credentialsKeys: readonly CredentialsKey[];
  sessionSecret: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  metaAppSecret: string | undefined;
  metaVerifyToken: string | undefined;
  graphApiBaseUrl: string;
  graphApiVersion: string;
  logLevel: string;
  allowPrivateWebhookUrls: boolean;
  /**
   * Which proxies in front may tell us the caller's address and protocol (X-Forwarded-For/-Proto):
   * none, all, the nearest N, or those at these addresses. Login throttling counts per caller
   * address and the admin cookie is Secure over https, so behind a TLS proxy this must be set.
   */
  trustProxy: boolean | number | string[];
  workerPort: number | undefined;
  /** `npm run dev` only: also run the Graph API simulator and send through it. */
  sandbox: boolean;
  /** Names of secrets that were missing and replaced by throwaway development values. */
  generatedSecrets: readonly string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().trim().min(1).optional());

const portNumber = z.coerce.number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');
const portWithDefault = (fallback: number) => z.preprocess(emptyAsUndefined, portNumber.default(fallback));
const optionalPort = z.preprocess(emptyAsUndefined, portNumber.optional());

const booleanFlag = z.preprocess(
  emptyAsUndefined,
  z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .transform((value) => value === 'true' || value === '1')
    .optional(),
);

function urlWithProtocols(protocols: string[], example: string) {
  return z.preprocess(
    emptyAsUndefined,
    z.string().trim().refine((value) => {
      try {
        const url = new URL(value);
        return protocols.includes(url.protocol) && url.host.length > 0;
      } catch {
        return false;
      }
    }, `must be a URL like ${example}`).optional(),
  );
}

/** `id1:base64key,id2:base64key` with 32-byte AES-256 keys and unique ids. */
const keyRing = z.preprocess(
  emptyAsUndefined,
  z.string().trim().transform((value, ctx) => {
    const keys: CredentialsKey[] = [];
    for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
      const separator = entry.indexOf(':');
      const id = separator > 0 ? entry.slice(0, separator) : '';
      const encoded = separator > 0 ? entry.slice(separator + 1) : '';
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
        ctx.addIssue({ code: 'custom', message: 'each entry must be "<id>:<base64 key>" with an id of letters, digits, _ or -' });
        return z.NEVER;
      }
      const key = Buffer.from(encoded, 'base64');
      if (key.length !== 32 || !/^[A-Za-z0-9+/=]+$/.test(encoded)) {
        ctx.addIssue({ code: 'custom', message: `key "${id}" must be 32 bytes encoded in base64 (try: openssl rand -base64 32)` });
        return z.NEVER;
      }
      if (keys.some((existing) => existing.id === id)) {
        ctx.addIssue({ code: 'custom', message: `key id "${id}" appears twice` });
        return z.NEVER;
      }
      keys.push({ id, key });
    }
    if (keys.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'must hold at least one "<id>:<base64 key>" entry' });
      return z.NEVER;
    }
    return keys;
  }).optional(),
);

const TRUST_PROXY_HELP = 'use true, the number of proxies in front (1), or their addresses (10.0.0.0/8,127.0.0.1)';

/** `true`/`false`, a number of proxy hops, or proxy addresses and CIDR ranges separated by commas. */
const trustProxy = z.preprocess(
  emptyAsUndefined,
  z.string().trim().transform((value, ctx) => {
    if (value === 'true' || value === 'false') return value === 'true';
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
    for (const entry of entries) {
      const [address, prefix, ...rest] = entry.split('/');
      const family = isIP(address);
      const prefixOk = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
      if (family === 0 || !prefixOk || rest.length > 0) {
        ctx.addIssue({ code: 'custom', message: `"${entry}" is not an IP address or CIDR range; ${TRUST_PROXY_HELP}` });
        return z.NEVER;
      }
    }
    return entries;
  }).optional(),
);

const EnvSchema = z.object({
  NODE_ENV: z.preprocess(emptyAsUndefined, z.enum(['development', 'test', 'production'], {
    error: 'must be development, test or production',
  }).default('development')),
  PORT: portWithDefault(3000),
  HOST: z.preprocess(emptyAsUndefined, z.string().trim().min(1).default('0.0.0.0')),
  MONGO_URL: urlWithProtocols(['mongodb:', 'mongodb+srv:'], 'mongodb://localhost:27017/ocm'),
  REDIS_URL: urlWithProtocols(['redis:', 'rediss:'], 'redis://localhost:6379'),
  PUBLIC_BASE_URL: urlWithProtocols(['http:', 'https:'], 'https://ocm.example.com'),
  CREDENTIALS_KEYS: keyRing,
  SESSION_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, 'must be at least 32 characters long').optional()),
  ADMIN_EMAIL: z.preprocess(emptyAsUndefined, z.email('must be an email address').optional()),
  ADMIN_PASSWORD: z.preprocess(emptyAsUndefined, z.string().min(8, 'must be at least 8 characters long').optional()),
  META_APP_SECRET: optionalString,
  META_VERIFY_TOKEN: optionalString,
  GRAPH_API_BASE_URL: urlWithProtocols(['http:', 'https:'], 'https://graph.facebook.com'),
  GRAPH_API_VERSION: z.preprocess(emptyAsUndefined, z.string().trim()
    .regex(/^v\d{1,3}\.\d$/, 'must look like v25.0').default('v25.0')),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'must be one of fatal, error, warn, info, debug, trace, silent',
  }).default('info')),
  ALLOW_PRIVATE_WEBHOOK_URLS: booleanFlag,
  TRUST_PROXY: trustProxy,
  WORKER_PORT: optionalPort,
  SANDBOX: booleanFlag,
});

type Env = Record<string, string | undefined>;

function issueLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
}

/**
 * Parses the environment. Throws a `ConfigError` listing every problem at once.
 * Outside production, missing secrets get throwaway values (listed in `generatedSecrets`).
 */
export function loadConfig(env: Env = process.env): Readonly<Config> {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(issueLines(parsed.error));
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const problems: string[] = [];
  const generatedSecrets: string[] = [];

  if (production) {
    if (!e.MONGO_URL) problems.push('MONGO_URL: is required in production');
    if (!e.REDIS_URL) problems.push('REDIS_URL: is required in production');
    if (!e.CREDENTIALS_KEYS) problems.push('CREDENTIALS_KEYS: is required in production (format id1:base64key,id2:base64key)');
    if (!e.SESSION_SECRET) problems.push('SESSION_SECRET: is required in production (at least 32 characters)');
  }
  if (Boolean(e.ADMIN_EMAIL) !== Boolean(e.ADMIN_PASSWORD)) {
    problems.push(e.ADMIN_EMAIL
      ? 'ADMIN_PASSWORD: is required when ADMIN_EMAIL is set'
      : 'ADMIN_EMAIL: is required when ADMIN_PASSWORD is set');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const generate = <T>(name: string, value: T | undefined, make: () => T): T => {
    if (value !== undefined) return value;
    generatedSecrets.push(name);
    return make();
  };

  const config: Config = {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    mongoUrl: e.MONGO_URL,
    redisUrl: e.REDIS_URL,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    credentialsKeys: Object.freeze(generate('CREDENTIALS_KEYS', e.CREDENTIALS_KEYS,
      () => [{ id: 'dev', key: randomBytes(32) }])),
    sessionSecret: generate('SESSION_SECRET', e.SESSION_SECRET, () => randomBytes(32).toString('base64url')),
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
    metaAppSecret: e.META_APP_SECRET,
    metaVerifyToken: e.META_VERIFY_TOKEN,
    graphApiBaseUrl: (e.GRAPH_API_BASE_URL ?? 'https://graph.facebook.com').replace(/\/+$/, ''),
    graphApiVersion: e.GRAPH_API_VERSION,
    logLevel: e.LOG_LEVEL,
    allowPrivateWebhookUrls: e.ALLOW_PRIVATE_WEBHOOK_URLS ?? false,
    trustProxy: e.TRUST_PROXY ?? false,
    workerPort: e.WORKER_PORT,
    sandbox: e.SANDBOX ?? false,
    generatedSecrets: Object.freeze(generatedSecrets),
  };
  return Object.freeze(config);
}

/** Returns a frozen copy with some values replaced (used by `npm run dev` after it starts services). */
export function withOverrides(config: Readonly<Config>, overrides: Partial<Config>): Readonly<Config> {
  return Object.freeze({ ...config, ...overrides });
}

/**
 * For entry points: loads the configuration or prints one line per problem and exits 1,
 * before anything listens or connects.
 */
export function loadConfigOrExit(env: Env = process.env): Readonly<Config> {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
      process.exit(1);
    }
    throw error;
  }
}
