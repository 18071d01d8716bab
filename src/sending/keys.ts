/**
 * Redis keys of the send path. Keys of one sender share a hash tag (its phone number id), and
 * keys of one WABA share another, so every Lua script touches one Redis Cluster slot.
 */
export function senderKeys(prefix: string, phoneNumberId: string) {
  const tag = `${prefix}:s:{${phoneNumberId}}`;
  return {
    /** GCRA state: the next free send slot (ms). */
    pace: `${tag}:pace`,
    /** The hard cap: recent sends, scored by when Meta had certainly seen each (ms; see pace.ts). */
    departures: `${tag}:departures`,
    /** How long sends have recently counted after leaving (ms, a fading maximum): spaces the pace. */
    hold: `${tag}:hold`,
    /** Current adaptive rate (messages per second) and its last throttle time. */
    rate: `${tag}:rate`,
    /** Per-recipient pair-rate GCRA state, one key per recipient. */
    pair: (to: string) => `${tag}:pair:${to}`,
  };
}

export function wabaKeys(prefix: string, wabaId: string) {
  const tag = `${prefix}:w:{${wabaId}}`;
  return {
    /** Recipients reached outside a customer-service window, scored by last send time (ms). */
    reached: `${tag}:reached`,
  };
}

/** Messages of this credential released to the send queue and not finished yet (score = release time). */
export const inFlightKey = (prefix: string, credentialId: string) => `${prefix}:inflight:{${credentialId}}`;

/** Held by the process releasing this credential's messages right now. */
export const dispatchLockKey = (prefix: string, credentialId: string) => `${prefix}:dispatch:{${credentialId}}`;

/** Credential ids with work to release; the dispatcher's to-do list. */
export const activeSendersKey = (prefix: string) => `${prefix}:active-senders`;
