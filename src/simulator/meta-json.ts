/**
 * The bytes Meta puts on the wire for a webhook, and their signature.
 *
 * Meta signs "an escaped unicode version of the payload, with lowercase hex digits": every
 * non-ASCII character is written as \uXXXX (UTF-16 code units, so emoji become a surrogate pair) and
 * `/` as `\/`. A receiver that re-serialises the parsed body instead of hashing the raw bytes gets a
 * different HMAC — exactly the bug this serializer lets tests catch (meta-cloud-api.md §4.2).
 */
import { createHmac } from 'node:crypto';

const NEEDS_ESCAPE = /[\u007f-\uffff/]/;
const TO_ESCAPE = /[\u007f-\uffff/]/g;

function escapeChar(char: string): string {
  if (char === '/') return '\\/';
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * JSON.stringify, then escape. Safe on the whole text because both `/` and non-ASCII characters can
 * only occur inside JSON strings. DEL (0x7f) is escaped as well, like PHP's json_encode does.
 */
export function toMetaJson(value: unknown): string {
  const json = JSON.stringify(value);
  return NEEDS_ESCAPE.test(json) ? json.replace(TO_ESCAPE, escapeChar) : json;
}

/** `sha256=<lowercase hex HMAC-SHA256 of the exact bytes, keyed by the app secret>`. */
export function signatureSha256(body: Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** Meta still sends the legacy SHA-1 header next to the SHA-256 one. */
export function signatureSha1(body: Buffer, appSecret: string): string {
  return `sha1=${createHmac('sha1', appSecret).update(body).digest('hex')}`;
}
