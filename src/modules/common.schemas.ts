/** Schemas every /v1 route shares: ids, paging, and the error answer for the OpenAPI document. */
import { z } from 'zod';

export const ObjectIdString = z.string().regex(/^[a-f0-9]{24}$/, 'must be a 24-character hexadecimal id');

export const IdParams = z.strictObject({ id: ObjectIdString });

export const ListQuery = z.strictObject({
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be between 1 and 500').max(500, 'must be between 1 and 500').default(50),
  cursor: z.string().regex(/^[a-f0-9]{24}$/, 'must be a nextCursor value from a previous page').optional(),
});

export const ErrorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.record(z.string(), z.unknown())),
  }),
});

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, ErrorResponse.describe(`Error (${status})`)]));

export const page = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
