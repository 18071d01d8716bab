/**
 * `$jsonSchema` as mongod implements it (JSON Schema draft 4 plus `bsonType`), for collection
 * validators and queries. mingo evaluates `$jsonSchema` only through a validator it is given;
 * this is that validator. Unknown keywords are refused, as mongod refuses them.
 */
import { bsonTypeName, compareValues, hasBsonType, isNumeric, isPlainObject, toNumber } from './bson-values.mjs';

/** JSON Schema `type` names mapped to the BSON types they accept. */
const JSON_TYPES = {
  object: ['object'],
  array: ['array'],
  number: ['int', 'long', 'double', 'decimal'],
  boolean: ['bool'],
  string: ['string'],
  null: ['null'],
};

const IGNORED = new Set(['title', 'description', '$schema', 'id', 'default', 'examples']);

function matchesAnyType(value, names, toBson) {
  const list = Array.isArray(names) ? names : [names];
  return list.some((name) => (toBson ? (JSON_TYPES[name] ?? []).includes(bsonTypeName(value)) : hasBsonType(value, name)));
}

function unique(values) {
  return values.every((value, i) => values.findIndex((other) => compareValues(value, other) === 0) === i);
}

/** Compiles a schema node into a predicate over one value (undefined = field absent). */
function compile(schema) {
  if (!isPlainObject(schema)) throw new Error('$jsonSchema keyword values must be objects');
  const checks = [];
  for (const [keyword, argument] of Object.entries(schema)) {
    if (IGNORED.has(keyword)) continue;
    switch (keyword) {
      case 'bsonType': checks.push((v) => matchesAnyType(v, argument, false)); break;
      case 'type': checks.push((v) => matchesAnyType(v, argument, true)); break;
      case 'enum': checks.push((v) => argument.some((option) => compareValues(option, v) === 0)); break;
      case 'minimum': checks.push((v) => !isNumeric(v) || (schema.exclusiveMinimum ? toNumber(v) > toNumber(argument) : toNumber(v) >= toNumber(argument))); break;
      case 'maximum': checks.push((v) => !isNumeric(v) || (schema.exclusiveMaximum ? toNumber(v) < toNumber(argument) : toNumber(v) <= toNumber(argument))); break;
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': break; // modifiers of minimum/maximum (draft 4)
      case 'minLength': checks.push((v) => typeof v !== 'string' || [...v].length >= argument); break;
      case 'maxLength': checks.push((v) => typeof v !== 'string' || [...v].length <= argument); break;
      case 'pattern': {
        const regex = new RegExp(argument, 'u');
        checks.push((v) => typeof v !== 'string' || regex.test(v));
        break;
      }
      case 'multipleOf': checks.push((v) => !isNumeric(v) || toNumber(v) % toNumber(argument) === 0); break;
      case 'required': checks.push((v) => !isPlainObject(v) || argument.every((field) => v[field] !== undefined)); break;
      case 'minProperties': checks.push((v) => !isPlainObject(v) || Object.keys(v).length >= argument); break;
      case 'maxProperties': checks.push((v) => !isPlainObject(v) || Object.keys(v).length <= argument); break;
      case 'properties': {
        const compiled = Object.entries(argument).map(([field, sub]) => [field, compile(sub)]);
        checks.push((v) => !isPlainObject(v) || compiled.every(([field, check]) => v[field] === undefined || check(v[field])));
        break;
      }
      case 'patternProperties': {
        const compiled = Object.entries(argument).map(([pattern, sub]) => [new RegExp(pattern, 'u'), compile(sub)]);
        checks.push((v) => !isPlainObject(v) || Object.entries(v).every(([field, value]) => compiled.every(([regex, check]) => !regex.test(field) || check(value))));
        break;
      }
      case 'additionalProperties': {
        const declared = Object.keys(schema.properties ?? {});
        const patterns = Object.keys(schema.patternProperties ?? {}).map((pattern) => new RegExp(pattern, 'u'));
        const extra = (field) => !declared.includes(field) && !patterns.some((regex) => regex.test(field));
        const check = argument === false ? () => false : argument === true ? () => true : compile(argument);
        checks.push((v) => !isPlainObject(v) || Object.entries(v).every(([field, value]) => !extra(field) || check(value)));
        break;
      }
      case 'dependencies': {
        const compiled = Object.entries(argument).map(([field, dependency]) => [field, Array.isArray(dependency) ? dependency : compile(dependency)]);
        checks.push((v) => !isPlainObject(v) || compiled.every(([field, dependency]) => v[field] === undefined
          || (Array.isArray(dependency) ? dependency.every((other) => v[other] !== undefined) : dependency(v))));
        break;
      }
      case 'items': {
        if (Array.isArray(argument)) {
          const compiled = argument.map(compile);
          const rest = schema.additionalItems;
          const restCheck = rest === undefined || rest === true ? () => true : rest === false ? () => false : compile(rest);
          checks.push((v) => !Array.isArray(v) || v.every((item, i) => (i < compiled.length ? compiled[i](item) : restCheck(item))));
        } else {
          const check = compile(argument);
          checks.push((v) => !Array.isArray(v) || v.every(check));
        }
        break;
      }
      case 'additionalItems': break; // read by `items`
      case 'minItems': checks.push((v) => !Array.isArray(v) || v.length >= argument); break;
      case 'maxItems': checks.push((v) => !Array.isArray(v) || v.length <= argument); break;
      case 'uniqueItems': checks.push((v) => !argument || !Array.isArray(v) || unique(v)); break;
      case 'allOf': { const subs = argument.map(compile); checks.push((v) => subs.every((check) => check(v))); break; }
      case 'anyOf': { const subs = argument.map(compile); checks.push((v) => subs.some((check) => check(v))); break; }
      case 'oneOf': { const subs = argument.map(compile); checks.push((v) => subs.filter((check) => check(v)).length === 1); break; }
      case 'not': { const sub = compile(argument); checks.push((v) => !sub(v)); break; }
      default: throw new Error(`$jsonSchema keyword '${keyword}' is not currently supported`);
    }
  }
  return (value) => checks.every((check) => check(value));
}

/** The `jsonSchemaValidator` mingo calls: schema -> (document -> boolean). */
export function jsonSchemaValidator(schema) {
  return compile(schema);
}
