/** Builds multipart/form-data bodies by hand, so tests control every byte (BOM, CRLF, part order). */
import { randomBytes } from 'node:crypto';

export interface Part {
  name: string;
  content: string | Buffer;
  filename?: string;
  contentType?: string;
}

export function multipart(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----ocm${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    const type = part.contentType ?? (part.filename ? 'text/csv' : undefined);
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.isBuffer(part.content) ? part.content : Buffer.from(part.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** The usual two parts: the campaign JSON and the recipients file. */
export const csvCampaign = (campaign: Record<string, unknown>, csv: string | Buffer, extra: Part[] = []) =>
  multipart([{ name: 'campaign', content: JSON.stringify(campaign), contentType: 'application/json' }, { name: 'recipients', filename: 'recipients.csv', content: csv }, ...extra]);
