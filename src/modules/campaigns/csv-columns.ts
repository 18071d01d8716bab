/**
 * The recipients file of a CSV campaign (contract §3), from header to recipients. Columns:
 * `phone` (required) and `ref`; template parameters by position — `header.1`, `body.1`,
 * `body.2`, …, `button.<index>.1` — or, for templates with named parameters, by name
 * (`customer_name`). Anything else is refused with a 400 naming the column, as the JSON body
 * refuses unknown fields. When the template is in the credential's catalogue, columns are checked
 * against it, a media header takes a link, and a copy-code button takes the code.
 */
import { AppError, type ErrorDetail } from '../../errors.js';
import type { TemplateParameters } from '../templates/template-parameters.js';
import type { RecipientInput } from './campaigns.schemas.js';
import type { Component } from './components.js';

export const MAX_CSV_ROWS = 100_000;
const MAX_ERRORS = 20;
const NAMED = /^[a-z][a-z0-9_]{0,63}$/;
const POSITIONAL = /^(header|body)\.([1-9]\d?)$/;
const BUTTON = /^button\.(\d)\.([1-9]\d?)$/;
const CELL_LIMITS = { phone: 64, ref: 200, parameter: 4096 };

type Column =
  | { kind: 'phone' | 'ref' }
  | { kind: 'header' | 'body'; position: number }
  | { kind: 'named'; name: string }
  | { kind: 'button'; index: number; position: number };

export interface CsvLayout {
  names: string[];
  columns: Column[];
}

/** A CSV problem as a 400 whose details name the row (line of the file) and the column. */
export function csvError(problems: Array<{ row: number; column?: string; message: string }>): AppError {
  const details: ErrorDetail[] = problems.map(({ row, column, message }) => ({ field: 'recipients', in: 'body', row, ...(column ? { column } : {}), message }));
  const first = problems[0];
  const where = `row ${first.row}${first.column ? `, column "${first.column}"` : ''}`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length === 2 ? '' : 's'})` : '';
  return new AppError('validation_error', `The recipients file is invalid: ${where}: ${first.message}${more}.`, { details });
}

const headerError = (column: string, message: string) => csvError([{ row: 1, column, message }]);

function columnOf(name: string): Column | null {
  const lower = name.toLowerCase();
  if (lower === 'phone' || lower === 'ref') return { kind: lower };
  const positional = POSITIONAL.exec(lower);
  if (positional) return { kind: positional[1] as 'header' | 'body', position: Number(positional[2]) };
  const button = BUTTON.exec(lower);
  if (button) return { kind: 'button', index: Number(button[1]), position: Number(button[2]) };
  return NAMED.test(name) ? { kind: 'named', name } : null;
}

/** Positions 1…n without gaps, per component. */
function checkNumbering(names: string[], columns: Column[]) {
  const groups = new Map<string, number[]>();
  columns.forEach((column) => {
    if (column.kind === 'header' || column.kind === 'body') groups.set(column.kind, [...(groups.get(column.kind) ?? []), column.position]);
    if (column.kind === 'button') groups.set(`button.${column.index}`, [...(groups.get(`button.${column.index}`) ?? []), column.position]);
  });
  for (const [group, positions] of groups) {
    const sorted = [...positions].sort((a, b) => a - b);
    const gap = sorted.findIndex((position, i) => position !== i + 1);
    if (gap >= 0) throw headerError(`${group}.${sorted[gap]}`, `positional parameters are numbered ${group}.1, ${group}.2, … without gaps; ${group}.${gap + 1} is missing`);
  }
  if (columns.some((column) => column.kind === 'named') && groups.has('body')) {
    const named = names[columns.findIndex((column) => column.kind === 'named')];
    throw headerError(named, 'named and positional (body.N) body parameters cannot be mixed');
  }
}

/** Column names against the template the catalogue knows. */
function checkAgainstTemplate(names: string[], columns: Column[], parameters: TemplateParameters, template: string) {
  columns.forEach((column, i) => {
    const name = names[i];
    const unknown = (why: string) => headerError(name, `is not a parameter of template ${template}: ${why}`);
    if (column.kind === 'header' && column.position > parameters.header) throw unknown(`its header takes ${parameters.header}`);
    if (column.kind === 'body' && parameters.bodyNames) throw unknown(`its body parameters are named (${parameters.bodyNames.join(', ')})`);
    if (column.kind === 'body' && column.position > parameters.body) throw unknown(`its body takes ${parameters.body}`);
    if (column.kind === 'named' && !parameters.bodyNames?.includes(column.name)) {
      throw unknown(parameters.bodyNames ? `its named parameters are ${parameters.bodyNames.join(', ')}` : 'its body parameters are positional (body.1, body.2, …)');
    }
    if (column.kind === 'button') {
      const button = parameters.buttons.find((candidate) => candidate.index === column.index);
      if (!button || column.position > button.count) throw unknown(`button ${column.index} takes ${button?.count ?? 0} parameters`);
    }
  });
}

/** Reads the header row; throws a 400 naming the first column that cannot be used. */
export function readHeader(header: string[], parameters: TemplateParameters | null, template: string): CsvLayout {
  const names = header.map((name) => name.trim());
  const columns = names.map((name) => {
    const column = columnOf(name);
    if (!column) {
      throw headerError(name, 'is not a known column: use phone, ref, header.N, body.N, button.<index>.N or the name of a named template parameter');
    }
    return column;
  });
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name.toLowerCase())) throw headerError(name, 'appears twice');
    seen.add(name.toLowerCase());
  }
  if (!columns.some((column) => column.kind === 'phone')) throw headerError('phone', 'is missing: the header row must have a phone column');
  checkNumbering(names, columns);
  if (parameters) checkAgainstTemplate(names, columns, parameters, template);
  return { names, columns };
}

function headerParameter(text: string, format: string | undefined) {
  switch (format) {
    case 'IMAGE': return { type: 'image', image: { link: text } };
    case 'VIDEO': return { type: 'video', video: { link: text } };
    case 'DOCUMENT': return { type: 'document', document: { link: text } };
    default: return { type: 'text', text };
  }
}

function buttonComponent(index: number, texts: string[], subType: string): Component {
  const parameters = texts.map((text) => (subType === 'copy_code' ? { type: 'coupon_code', coupon_code: text } : { type: 'text', text }));
  return { type: 'button', sub_type: subType, index: String(index), parameters } as Component;
}

/** One row as a recipient; problems (too long, empty parameter) are added to `problems`. */
function recipientOf(layout: CsvLayout, cells: string[], row: number, parameters: TemplateParameters | null, problems: Array<{ row: number; column: string; message: string }>): RecipientInput {
  const recipient: RecipientInput = { to: '' };
  const header: Array<[number, string]> = [];
  const body: Array<[number, Record<string, string>]> = [];
  const buttons = new Map<number, Array<[number, string]>>();
  layout.columns.forEach((column, i) => {
    const name = layout.names[i];
    const cell = cells[i] ?? '';
    const limit = column.kind === 'phone' ? CELL_LIMITS.phone : column.kind === 'ref' ? CELL_LIMITS.ref : CELL_LIMITS.parameter;
    if (cell.length > limit) problems.push({ row, column: name, message: `is longer than ${limit} characters` });
    if (column.kind !== 'phone' && column.kind !== 'ref' && cell === '') {
      problems.push({ row, column: name, message: 'is empty; every template parameter needs a value' });
      return;
    }
    switch (column.kind) {
      case 'phone': recipient.to = cell; break;
      case 'ref': if (cell !== '') recipient.ref = cell; break;
      case 'header': header.push([column.position, cell]); break;
      case 'body': body.push([column.position, { type: 'text', text: cell }]); break;
      case 'named': body.push([i, { type: 'text', parameter_name: column.name, text: cell }]); break;
      case 'button': buttons.set(column.index, [...(buttons.get(column.index) ?? []), [column.position, cell]]); break;
    }
  });
  const byPosition = <T>(entries: Array<[number, T]>) => entries.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
  const components: Component[] = [];
  if (header.length) components.push({ type: 'header', parameters: byPosition(header).map((text) => headerParameter(text, parameters?.headerFormat)) } as Component);
  if (body.length) components.push({ type: 'body', parameters: byPosition(body) } as Component);
  for (const [index, entries] of buttons) {
    components.push(buttonComponent(index, byPosition(entries), parameters?.buttons.find((button) => button.index === index)?.subType ?? 'url'));
  }
  if (components.length) recipient.components = components;
  return recipient;
}

export interface CsvRow {
  /** Line of the file the record ends on (1 is the header). */
  line: number;
  cells: string[];
}

/** The rows as recipients, in file order; a 400 listing up to 20 bad cells when any is bad. */
export function recipientsOf(layout: CsvLayout, rows: CsvRow[], parameters: TemplateParameters | null): RecipientInput[] {
  const problems: Array<{ row: number; column: string; message: string }> = [];
  const recipients: RecipientInput[] = [];
  for (const { line, cells } of rows) {
    recipients.push(recipientOf(layout, cells, line, parameters, problems));
    if (problems.length >= MAX_ERRORS) break;
  }
  if (problems.length > 0) throw csvError(problems.slice(0, MAX_ERRORS));
  return recipients;
}
