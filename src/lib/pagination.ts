/**
 * Cursor paging over `_id` (newest first): stable under inserts, no skip scans. The cursor is
 * the last id of the page; the client passes `nextCursor` back unchanged.
 */
import type { Model } from 'mongoose';

export interface PageRequest {
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export async function findPage<TDoc, TOut>(
  model: Model<TDoc>,
  filter: Record<string, unknown>,
  request: PageRequest,
  map: (doc: TDoc & { _id: unknown }) => TOut,
  options: { projection?: Record<string, 0 | 1> } = {},
): Promise<Page<TOut>> {
  const query = request.cursor ? { ...filter, _id: { $lt: request.cursor } } : filter;
  const docs = await model.find(query as never, options.projection ?? null)
    .sort({ _id: -1 }).limit(request.limit + 1).lean<Array<TDoc & { _id: unknown }>>();
  const more = docs.length > request.limit;
  const items = docs.slice(0, request.limit);
  return { items: items.map(map), nextCursor: more ? String(items[items.length - 1]._id) : null };
}
