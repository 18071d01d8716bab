/**
 * The part of a record an operator's action changed: flattened params before and after, reduced
 * to the keys that differ, so an audit entry reads "status: running → paused" and not a dump.
 */
type Params = Record<string, unknown>;

/** Bookkeeping fields every write touches; they say nothing about the change. */
const NOISE = new Set(['updatedAt', '__v']);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function changedFields(before: Params | undefined, after: Params | undefined): { before?: Params; after?: Params } {
  if (!before || !after) return { before, after };
  const keys = new Set([...Object.keys(before), ...Object.keys(after)].filter((key) => !NOISE.has(key)));
  const changed = [...keys].filter((key) => !same(before[key], after[key]));
  if (changed.length === 0) return {};
  return {
    before: Object.fromEntries(changed.map((key) => [key, before[key] ?? null])),
    after: Object.fromEntries(changed.map((key) => [key, after[key] ?? null])),
  };
}
