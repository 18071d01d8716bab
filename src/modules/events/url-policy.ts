/**
 * Which webhook URLs we accept: http(s) only, no credentials in the URL, and — when private
 * addresses are blocked (production, unless ALLOW_PRIVATE_WEBHOOK_URLS=true) — no host that is
 * or resolves to an address `blockedAddressReason` refuses. Checked when an endpoint is created;
 * delivery checks the resolved address again (http-delivery.ts), since DNS answers can change.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { blockedAddressReason } from './address-policy.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a hostname resolves to; injectable so tests never depend on real DNS answers. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => lookup(hostname, { all: true, verbatim: true });

export interface AddressPolicy {
  blockPrivate: boolean;
  resolve: Resolver;
}

export function addressPolicyFor(config: { nodeEnv: string; allowPrivateWebhookUrls: boolean }, resolve: Resolver = systemResolver): AddressPolicy {
  return { blockPrivate: config.nodeEnv === 'production' && !config.allowPrivateWebhookUrls, resolve };
}

/** The host as an address when the URL names one directly (`[::1]` → `::1`), else null. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.replace(/^\[|\]$/g, '');
  return isIP(bare) ? bare : null;
}

const RESOLVE_TIMEOUT_MS = 5_000;

async function resolveWithin(resolve: Resolver, hostname: string): Promise<ResolvedAddress[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('DNS did not answer in time')), RESOLVE_TIMEOUT_MS); });
  try {
    return await Promise.race([resolve(hostname), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A sentence saying why the URL cannot be used, or null when it can. */
export async function webhookUrlProblem(raw: string, policy: AddressPolicy): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http:// or https:// URL';
  if (url.username || url.password) return 'must not contain a user name or password; authenticate requests by their OCM-Signature';
  if (!policy.blockPrivate) return null;

  const host = url.hostname.toLowerCase();
  const literal = literalAddress(host);
  if (literal) {
    const reason = blockedAddressReason(literal);
    return reason ? `points to ${reason} (${literal}), which webhooks may not reach` : null;
  }
  // RFC 6761: *.localhost is this machine, whatever a resolver says (plain `localhost` is resolved and checked).
  if (host.endsWith('.localhost')) return 'points to this machine (a .localhost name), which webhooks may not reach';
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolveWithin(policy.resolve, host);
  } catch (error) {
    return `has a host name that could not be resolved (${(error as { code?: string }).code ?? (error as Error).message})`;
  }
  if (addresses.length === 0) return 'has a host name that resolves to no address';
  for (const { address } of addresses) {
    const reason = blockedAddressReason(address);
    if (reason) return `has a host name that resolves to ${reason} (${address}), which webhooks may not reach`;
  }
  return null;
}
