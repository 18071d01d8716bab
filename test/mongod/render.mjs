/**
 * Renders values the way mongod writes them into error messages: the E11000 `dup key: { x: "a" }`
 * style (spaced) and the compact `{_id: 1}` style of update errors. Clients grep these messages
 * (Mongoose parses the dup key text for its own duplicate-key errors), so the format matters.
 */
import { bsonTypeName, isPlainObject } from './bson-values.mjs';

function renderNumber(value) {
  if (Number.isNaN(value)) return 'nan.0';
  if (value === Infinity) return 'inf.0';
  if (value === -Infinity) return '-inf.0';
  return String(value);
}

/**
 * @param {unknown} value
 * @param {{spaced?: boolean}} [style] spaced: `{ a: 1 }` (BSONObj::toString), else `{a: 1}`
 */
export function renderValue(value, style = {}) {
  const spaced = style.spaced ?? false;
  switch (bsonTypeName(value)) {
    case 'missing':
    case 'null': return 'null';
    case 'int':
    case 'double': return renderNumber(value);
    case 'long': return String(value);
    case 'decimal': return `NumberDecimal("${value.toString()}")`;
    case 'string': return JSON.stringify(value);
    case 'bool': return String(value);
    case 'date': return `new Date(${value.getTime()})`;
    case 'objectId': return `ObjectId('${value.toHexString()}')`;
    case 'binData': return `BinData(${value.sub_type}, ${value.toString('hex').toUpperCase()})`;
    case 'timestamp': return `Timestamp(${value.t}, ${value.i})`;
    case 'regex': return value instanceof RegExp ? `/${value.source}/${value.flags}` : `/${value.pattern}/${value.options}`;
    case 'minKey': return 'MinKey';
    case 'maxKey': return 'MaxKey';
    case 'array': {
      if (value.length === 0) return '[]';
      const inner = value.map((item) => renderValue(item, style)).join(', ');
      return spaced ? `[ ${inner} ]` : `[${inner}]`;
    }
    default: {
      if (!isPlainObject(value)) return String(value);
      return renderDocument(value, style);
    }
  }
}

export function renderDocument(doc, style = {}) {
  const keys = Object.keys(doc);
  if (keys.length === 0) return '{}';
  const inner = keys.map((key) => `${key}: ${renderValue(doc[key], style)}`).join(', ');
  return style.spaced ? `{ ${inner} }` : `{${inner}}`;
}
