/**
 * Reads a recipients CSV as it streams in, with csv-parse: BOM, quoted values, CRLF, blank lines
 * and all-empty rows are handled there; its errors become 400s naming the row (and the column
 * when it is known). Rows are kept as parsed strings, never as the raw file.
 */
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { AppError } from '../../errors.js';
import { csvError, MAX_CSV_ROWS, type CsvRow } from './csv-columns.js';

export const CSV_FILE_LIMIT = 32 * 1024 * 1024;

export interface ParsedCsv {
  header: string[];
  rows: CsvRow[];
}

function parserError(error: unknown, header: string[] | undefined): AppError | null {
  if (!(error instanceof CsvError)) return null;
  const info = error as CsvError & { lines?: number; index?: number; column?: number | string | null };
  const row = info.lines ?? 0;
  const column = typeof info.column === 'number' ? header?.[info.column] : undefined;
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
      return csvError([{ row, message: `has ${info.index} fields but the header has ${header?.length}; quote values that contain commas ("a, b")` }]);
    case 'CSV_QUOTE_NOT_CLOSED':
      return csvError([{ row, column, message: 'opens a quoted value that is never closed' }]);
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return csvError([{ row, column, message: 'has a quote inside a value; inside quotes, write a quote twice ("")' }]);
    case 'CSV_MAX_RECORD_SIZE':
      return csvError([{ row, message: 'is longer than 1 MiB' }]);
    default:
      return csvError([{ row, message: error.message }]);
  }
}

export const fileTooLarge = () => new AppError('payload_too_large', `The recipients file is larger than ${CSV_FILE_LIMIT / 1024 / 1024} MiB.`);

/** `touch` is called for each record (progress, for the caller's stall guard). */
export async function readCsv(file: Readable & { truncated?: boolean }, touch: () => void): Promise<ParsedCsv> {
  const parser = parse({ bom: true, trim: true, skip_empty_lines: true, skip_records_with_empty_values: true, info: true, max_record_size: 1024 * 1024 });
  const piping = pipeline(file, parser);
  let header: string[] | undefined;
  const rows: CsvRow[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      touch();
      if (!header) {
        header = record;
        continue;
      }
      if (rows.length === MAX_CSV_ROWS) throw csvError([{ row: info.lines, message: `is beyond the limit of ${MAX_CSV_ROWS.toLocaleString('en-US')} recipients per campaign` }]);
      rows.push({ line: info.lines, cells: record });
    }
    await piping;
  } catch (error) {
    piping.catch(() => {});
    // Cut at the size limit, the last row looks broken: the size is the real problem.
    throw file.truncated ? fileTooLarge() : parserError(error, header) ?? error;
  }
  if (file.truncated) throw fileTooLarge();
  if (!header) throw csvError([{ row: 1, message: 'is missing: the file is empty; the first row names the columns (phone, …)' }]);
  return { header, rows };
}
