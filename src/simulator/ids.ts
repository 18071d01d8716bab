/**
 * Identifiers shaped like Meta's, so code that stores or logs them meets realistic lengths and
 * alphabets (including `/` and `+` inside wamids, which the webhook serializer must escape).
 */
import { randomBytes } from 'node:crypto';

const instancePrefix = randomBytes(3).toString('hex').toUpperCase();
let wamidCounter = 0;
let numericCounter = 0;

/**
 * A real wamid is base64 of a small binary record: 0x1c 0x18 <len> <recipient digits> 0x15 0x02 0x00
 * 0x11 0x18 0x12 <18 uppercase hex chars> 0x00. We build the same record, with the hex part made of a
 * per-process prefix and a counter, so ids are unique and cheap to make.
 */
export function newWamid(recipientDigits: string): string {
  wamidCounter = (wamidCounter + 1) % 0x1000000000000;
  const hex = instancePrefix + wamidCounter.toString(16).toUpperCase().padStart(12, '0');
  const digits = recipientDigits.slice(0, 20);
  const record = Buffer.allocUnsafe(3 + digits.length + 6 + hex.length + 1);
  let at = 0;
  record[at++] = 0x1c;
  record[at++] = 0x18;
  record[at++] = digits.length;
  at += record.write(digits, at, 'latin1');
  for (const byte of [0x15, 0x02, 0x00, 0x11, 0x18, 0x12]) record[at++] = byte;
  at += record.write(hex, at, 'latin1');
  record[at] = 0x00;
  return `wamid.${record.toString('base64')}`;
}

/** Graph object ids are decimal strings of 15–16 digits. */
export function newNumericId(): string {
  numericCounter += 1;
  return `${1_000_000_000_000_000 + Math.floor(Math.random() * 8_000_000_000_000_000) + numericCounter}`.slice(0, 16);
}

/** Opaque ids for rules the simulator hands back (faults, delivery outcomes). */
export function newRuleId(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}
