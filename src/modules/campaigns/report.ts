/**
 * A campaign's report as CSV (contract §3): one row per message — test sends excluded — with
 * what happened to it and what it cost. Streamed from a MongoDB cursor a batch at a time, so a
 * 1,000,000-message campaign costs the same memory as a small one. Rows come in the order of the
 * campaign's message index: by status, and in recipient order within a status.
 */
import { Readable } from 'node:stream';
import type { Models } from '../../db/models.js';

export const REPORT_COLUMNS = ['to', 'ref', 'status', 'wamid', 'error_code', 'error_title', 'sent_at', 'delivered_at', 'read_at', 'pricing_category', 'billable'] as const;

const BATCH = 1_000;
const PROJECTION = { to: 1, ref: 1, status: 1, wamid: 1, error: 1, sentAt: 1, deliveredAt: 1, readAt: 1, pricing: 1 } as const;

/**
 * RFC 4180 quoting, plus a leading apostrophe for text a spreadsheet would run as a formula
 * (= + - @ at the start: "CSV injection"); `ref` and Meta's error titles are not ours to trust.
 */
export function csvCell(value: unknown, text = false): string {
  if (value === undefined || value === null) return '';
  let cell = value instanceof Date ? value.toISOString() : String(value);
  if (text && /^[=+\-@\t\r]/.test(cell)) cell = `'${cell}`;
  return /[",\r\n]/.test(cell) || cell !== cell.trim() ? `"${cell.replace(/"/g, '""')}"` : cell;
}

interface ReportMessage {
  to: string;
  ref?: string | null;
  status: string;
  wamid?: string | null;
  error?: { code?: number | null; title?: string | null } | null;
  sentAt?: Date | null;
  deliveredAt?: Date | null;
  readAt?: Date | null;
  pricing?: { billable?: boolean | null; type?: string | null; category?: string | null } | null;
}

/** `type` is Meta's current charge signal (`regular` = charged); `billable` is for older payloads. */
function billable(pricing: ReportMessage['pricing']): boolean | undefined {
  if (!pricing) return undefined;
  if (pricing.type) return pricing.type === 'regular';
  return pricing.billable ?? undefined;
}

export function reportLine(message: ReportMessage): string {
  return [
    csvCell(message.to), csvCell(message.ref, true), csvCell(message.status), csvCell(message.wamid),
    csvCell(message.error?.code), csvCell(message.error?.title, true),
    csvCell(message.sentAt), csvCell(message.deliveredAt), csvCell(message.readAt),
    csvCell(message.pricing?.category), csvCell(billable(message.pricing)),
  ].join(',');
}

async function* lines(models: Pick<Models, 'Message'>, campaignId: string): AsyncGenerator<string> {
  yield `${REPORT_COLUMNS.join(',')}\r\n`;
  const cursor = models.Message.find({ campaignId, test: { $ne: true } }, PROJECTION)
    .sort({ status: 1, _id: 1 }).lean<ReportMessage[]>().batchSize(BATCH).cursor();
  let chunk: string[] = [];
  for await (const message of cursor) {
    chunk.push(reportLine(message as ReportMessage));
    if (chunk.length === BATCH) {
      yield `${chunk.join('\r\n')}\r\n`;
      chunk = [];
    }
  }
  if (chunk.length) yield `${chunk.join('\r\n')}\r\n`;
}

export function campaignReport(models: Pick<Models, 'Message'>, campaignId: string): Readable {
  return Readable.from(lines(models, campaignId), { objectMode: false });
}
