/**
 * Masks secrets in values headed for the audit log. The records the panel loads carry no secret
 * paths already (admin/resources/guarded-resource.ts); this is the second line, by field name.
 */
const SECRET_KEY = /token|secret|password|hash/i;
export const MASK = '••••••••';

export const isSecretKey = (key: string) => SECRET_KEY.test(key);

/** Already masked values (e.g. "•••••••• (replaced)") are kept, since they say what happened. */
const isMasked = (value: unknown) => typeof value === 'string' && value.startsWith(MASK);

export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, isSecretKey(key) && !isMasked(inner) ? MASK : maskSecrets(inner)]));
  }
  return value;
}
