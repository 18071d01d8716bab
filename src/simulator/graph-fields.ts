/**
 * Graph's `?fields=` selection: only the fields asked for come back (plus `id`), a field the node
 * type does not have is error 100, and sub-selections like `throughput{level}` are accepted.
 */
import { nonexistingFieldError, type MetaError } from './meta-errors.js';

/** Top-level field names of a `fields` parameter; `a,b{c,d},e.limit(5)` → [a, b, e]. */
export function parseFieldList(raw: unknown): string[] | null {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const names: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of raw) {
    if (char === '{' || char === '(') depth += 1;
    else if (char === '}' || char === ')') depth -= 1;
    else if (char === ',' && depth === 0) {
      names.push(current);
      current = '';
      continue;
    }
    if (depth === 0 && char !== '}' && char !== ')') current += char;
  }
  names.push(current);
  return names.map((name) => name.split('.')[0].trim()).filter((name) => name.length > 0);
}

export type FieldReaders<T> = Readonly<Record<string, (node: T) => unknown>>;

/**
 * @returns the projected object, fields in the order asked and `id` last when it was not asked for,
 *   or Meta's error for the first unknown field.
 */
export function projectFields<T>(
  node: T,
  readers: FieldReaders<T>,
  requested: readonly string[],
  nodeType: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; error: MetaError } {
  const value: Record<string, unknown> = {};
  for (const field of requested) {
    const read = readers[field];
    if (!read) return { ok: false, error: nonexistingFieldError(field, nodeType) };
    const fieldValue = read(node);
    if (fieldValue !== undefined) value[field] = fieldValue;
  }
  if (!('id' in value) && readers.id) value.id = readers.id(node);
  return { ok: true, value };
}
