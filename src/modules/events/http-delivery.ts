/**
 * The HTTP client that posts events to clients' endpoints, and the SSRF guard around it. The
 * guard sits in the connection's own DNS lookup: every address a host name resolves to is
 * checked, and the socket connects to exactly the address that was checked, so a DNS answer that
 * changes between the check and the connection (rebinding) cannot slip through. Redirects are
 * never followed, an answer must come within the timeout, and at most 1 kB of it is read.
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { blockedAddressReason } from './address-policy.js';
import { literalAddress, systemResolver, type Resolver } from './url-policy.js';

export const DELIVERY_TIMEOUT_MS = 10_000;
export const ANSWER_BODY_LIMIT = 1024;

export interface DeliveryAnswer {
  durationMs: number;
  /** Absent when no HTTP answer came (refused, timeout, DNS, the SSRF guard). */
  statusCode?: number;
  /** The first 1 kB of the answer's body. */
  body?: string;
  /** For a redirect: where it pointed (not followed). */
  location?: string;
  error?: string;
}

export interface DeliveryHttp {
  post(url: string, body: string, headers: Record<string, string>): Promise<DeliveryAnswer>;
  close(): Promise<void>;
}

export interface DeliveryHttpOptions {
  blockPrivate: boolean;
  timeoutMs?: number;
  resolve?: Resolver;
}

export class BlockedAddressError extends Error {
  readonly code = 'OCM_BLOCKED_ADDRESS';
  constructor(host: string, address: string, reason: string) {
    super(`refused: ${host} resolves to ${reason} (${address}), which webhooks may not reach`);
    this.name = 'BlockedAddressError';
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `dns.lookup` replacement for sockets: resolves, refuses blocked addresses, answers with the checked ones. */
export function guardedLookup(resolve: Resolver, blockPrivate: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname).then((found) => {
      const wanted = options.family === 4 || options.family === 6 ? found.filter((entry) => entry.family === options.family) : found;
      if (blockPrivate) {
        for (const { address } of found) {
          const reason = blockedAddressReason(address);
          if (reason) return callback(new BlockedAddressError(hostname, address, reason), '');
        }
      }
      if (wanted.length === 0) return callback(Object.assign(new Error(`${hostname} resolves to no usable address`), { code: 'ENOTFOUND' }), '');
      if (options.all) return callback(null, wanted);
      return callback(null, wanted[0].address, wanted[0].family);
    }, (error: NodeJS.ErrnoException) => callback(error, ''));
  };
}

async function readUpTo(stream: AsyncIterable<Buffer> & { destroy(): void }, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const code = (error as { code?: string }).code;
  const name = (error as Error).name;
  if (error instanceof BlockedAddressError) return error.message;
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name could not be resolved';
  if (code === 'ECONNREFUSED') return 'the connection was refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection was closed before an answer';
  return `the request failed: ${(error as Error).message ?? String(error)}`;
}

export function createDeliveryHttp(options: DeliveryHttpOptions): DeliveryHttp {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const agent = new Agent({
    connect: { lookup: guardedLookup(options.resolve ?? systemResolver, options.blockPrivate) as never, timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 10_000,
  });

  return {
    async post(url, body, headers) {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const literal = literalAddress(new URL(url).hostname);
      const literalReason = options.blockPrivate && literal ? blockedAddressReason(literal) : null;
      // Sockets skip the lookup for a literal address, so it is checked here.
      if (literalReason) return { durationMs: 0, error: `refused: ${literal} is ${literalReason}, which webhooks may not reach` };
      try {
        const answer = await request(url, { dispatcher: agent, method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs) });
        const location = answer.statusCode >= 300 && answer.statusCode < 400 ? String(answer.headers.location ?? '') : undefined;
        // The status line decides; a body that stalls past the deadline is only cut short.
        const text = await readUpTo(answer.body, ANSWER_BODY_LIMIT).catch(() => '');
        return { durationMs: elapsed(), statusCode: answer.statusCode, body: text, ...(location !== undefined ? { location } : {}) };
      } catch (error) {
        return { durationMs: elapsed(), error: describeFailure(error, timeoutMs) };
      }
    },
    close: () => agent.close(),
  };
}
