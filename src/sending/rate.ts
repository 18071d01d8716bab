/** The messages per second a credential may use before any adaptive slow-down (invariant 3). */
export interface RateSource {
  messagesPerSecond?: number | null;
  phone?: { throughput?: { messagesPerSecond?: number | null } | null } | null;
}

/** Meta's standard level is 80 mps per number (meta-cloud-api.md §3.1). */
export const DEFAULT_MESSAGES_PER_SECOND = 80;

export function baseRate(credential: RateSource): number {
  // The credential's own setting wins (a client may know its level better than the last check).
  return credential.messagesPerSecond ?? credential.phone?.throughput?.messagesPerSecond ?? DEFAULT_MESSAGES_PER_SECOND;
}
