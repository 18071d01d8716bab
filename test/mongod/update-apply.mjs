/**
 * Applies one update statement's `u` to a document: operator updates (through the update tree),
 * replacement documents and aggregation-pipeline updates, plus the document an upsert inserts.
 * Work happens on a deep copy, so an error leaves the stored document untouched, and `_id` is
 * checked to be unchanged afterwards (ImmutableField), as mongod does.
 */
import { Aggregator } from 'mingo/aggregator';
import { Query } from 'mingo/query';
import { evalExpr } from 'mingo/core';
import { ObjectId } from 'bson';
import { bsonTypeName, compareValues, deepCopy, isPlainObject } from './bson-values.mjs';
import { ErrorCodes, MongoError } from './errors.mjs';
import { mingoOptions } from './mingo-context.mjs';
import { renderDocument, renderValue } from './render.mjs';
import { buildUpdateTree, isPositional, Leaf, parseArrayFilters } from './update-tree.mjs';
import { getField, LEAF_OPERATORS, setField } from './update-operators.mjs';

const PIPELINE_UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

let timestampIncrement = 0;

/**
 * The order mongod (5.0+) applies an update's fields in: string names lexicographically, numeric
 * names (array indexes) numerically. It decides where new fields land in the document.
 */
const NUMERIC = /^\d+$/;
const byName = (a, b) => {
  if (NUMERIC.test(a) && NUMERIC.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
};

function valueAtExactPath(doc, path) {
  let value = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = getField(value, part);
  }
  return value;
}

/**
 * The index of the array element the query matched, for the positional `$` operator: the first
 * element of the array at `arrayPath` that satisfies a query condition on that array.
 */
function positionalIndex(filter, doc, arrayPath, options) {
  const array = valueAtExactPath(doc, arrayPath);
  if (Array.isArray(array)) {
    for (const [key, condition] of flattenAnd(filter)) {
      if (key !== arrayPath && !key.startsWith(`${arrayPath}.`)) continue;
      const query = new Query({ [key]: condition }, options);
      const index = array.findIndex((element) => query.test(documentWithOnly(arrayPath, element)));
      if (index >= 0) return index;
    }
  }
  throw new MongoError(ErrorCodes.BadValue, 'The positional operator did not find the match needed from the query.');
}

/** `{a: {b: [element]}}` for path "a.b": a document whose array holds just one element. */
function documentWithOnly(arrayPath, element) {
  return arrayPath.split('.').reduceRight((inner, part) => ({ [part]: inner }), [element]);
}

function flattenAnd(filter, out = []) {
  if (!isPlainObject(filter)) return out;
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(condition)) condition.forEach((clause) => flattenAnd(clause, out));
    else if (!key.startsWith('$')) out.push([key, condition]);
  }
  return out;
}

class ApplyContext {
  constructor(original, { isInsert, filter, arrayFilters, options }) {
    this.original = original;
    this.isInsert = isInsert;
    this.filter = filter;
    this.arrayFilters = arrayFilters;
    this.options = options;
    this.changed = false;
    this.now = Date.now();
  }

  valueInOriginal(path) {
    return valueAtExactPath(this.original, path);
  }

  nextTimestampIncrement() {
    timestampIncrement = (timestampIncrement + 1) % 0x7fffffff;
    return timestampIncrement;
  }
}

function cannotCreate(field, container, containerField) {
  const element = containerField === undefined ? renderDocument(container) : renderDocument({ [containerField]: container });
  return new MongoError(ErrorCodes.PathNotViable, `Cannot create field '${field}' in element ${element}`);
}

function applyChildren(container, node, ctx, path, containerField) {
  const names = [...node.children.keys()].sort(byName);
  for (const name of names) {
    const child = node.children.get(name);
    if (!isPositional(name)) {
      applyAt(container, name, child, ctx, [...path, name], containerField);
      continue;
    }
    if (!Array.isArray(container)) {
      throw new MongoError(ErrorCodes.BadValue, `Cannot apply array updates to non-array element ${containerField}: ${renderValue(container)}`);
    }
    let indexes;
    if (name === '$') indexes = [positionalIndex(ctx.filter, ctx.original, path.join('.'), ctx.options)];
    else if (name === '$[]') indexes = container.map((_, i) => i);
    else {
      const filter = ctx.arrayFilters.get(name.slice(2, -1));
      indexes = container.flatMap((element, i) => (filter.test(element) ? [i] : []));
    }
    for (const i of indexes) applyAt(container, String(i), child, ctx, [...path, String(i)], containerField);
  }
}

function applyAt(container, field, child, ctx, path, containerField) {
  if (Array.isArray(container) && !/^\d+$/.test(field)) {
    if (child.creates) throw cannotCreate(field, container, containerField);
    return;
  }
  if (child instanceof Leaf) {
    LEAF_OPERATORS[child.operator](container, field, child, ctx);
    return;
  }
  let value = getField(container, field);
  const hasPositionalChild = [...child.children.keys()].some(isPositional);
  if (value === undefined || value === null && hasPositionalChild) {
    if (!child.creates) return;
    if (hasPositionalChild) {
      throw new MongoError(ErrorCodes.BadValue, `The path '${path.join('.')}' must exist in the document in order to apply array updates.`);
    }
    if (value === null) throw cannotCreate([...child.children.keys()][0], value, field);
    value = {};
    setField(container, field, value);
  } else if (value === null || typeof value !== 'object' || (!Array.isArray(value) && !isPlainObject(value))) {
    if (hasPositionalChild) {
      throw new MongoError(ErrorCodes.BadValue, `Cannot apply array updates to non-array element ${field}: ${renderValue(value)}`);
    }
    if (child.creates) throw cannotCreate([...child.children.keys()].sort(byName)[0], value, field);
    return;
  }
  applyChildren(value, child, ctx, path, field);
}

function checkIdUnchanged(original, updated) {
  if (original === undefined || original._id === undefined) return;
  if (!('_id' in updated) || bsonTypeName(updated._id) !== bsonTypeName(original._id) || compareValues(updated._id, original._id) !== 0) {
    throw new MongoError(ErrorCodes.ImmutableField, "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
}

/** Returns `doc` with `_id` as its first field, as mongod stores every document. */
export function idFirst(doc) {
  if (!('_id' in doc) || Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

function replacementError(field) {
  return new MongoError(ErrorCodes.DollarPrefixedFieldName, `The dollar ($) prefixed field '${field}' in '${field}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`);
}

/** Evaluates `let`/`c` variables: they are expressions (e.g. {$literal: "$x"}, {$rand: {}}). */
export function evaluateVariables(variables) {
  if (!isPlainObject(variables)) return {};
  const options = mingoOptions();
  return Object.fromEntries(Object.entries(variables).map(([name, expr]) => [name, evalExpr({}, expr, options)]));
}

/** The document an upsert starts from: the equality conditions of its query. */
export function upsertSeed(filter) {
  const seed = {};
  for (const [path, condition] of flattenAnd(filter)) {
    let value;
    if (isPlainObject(condition)) {
      const keys = Object.keys(condition);
      if (keys.length === 1 && keys[0] === '$eq') value = condition.$eq;
      else if (keys.some((key) => key.startsWith('$'))) continue;
      else value = condition;
    } else if (condition instanceof RegExp || condition?._bsontype === 'BSONRegExp') {
      continue;
    } else {
      value = condition;
    }
    const parts = path.split('.');
    let cursor = seed;
    for (let i = 0; i < parts.length - 1; i++) {
      if (!isPlainObject(cursor[parts[i]])) cursor[parts[i]] = {};
      cursor = cursor[parts[i]];
    }
    cursor[parts[parts.length - 1]] = deepCopy(value);
  }
  return seed;
}

/**
 * Compiles an update statement once for all the documents it touches.
 * @param {object|object[]} u operator document, replacement document or pipeline
 * @param {{filter?: object, arrayFilters?: object[], variables?: object}} options
 * @returns {{kind: string, apply(doc: object|undefined, isInsert?: boolean): {doc: object, changed: boolean}}}
 */
export function compileUpdate(u, { filter = {}, arrayFilters, variables = {} } = {}) {
  const options = mingoOptions({ variables });
  if (Array.isArray(u)) {
    if (arrayFilters?.length) {
      throw new MongoError(ErrorCodes.FailedToParse, 'arrayFilters may not be specified for pipeline-style updates');
    }
    for (const stage of u) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
      if (!PIPELINE_UPDATE_STAGES.has(name)) {
        throw new MongoError(ErrorCodes.InvalidOptions, `${name} is not allowed to be used within an update`);
      }
    }
    const aggregator = new Aggregator(u, options);
    return {
      kind: 'pipeline',
      apply(doc, isInsert = false) {
        const [result] = aggregator.run([deepCopy(doc)]);
        if (!isPlainObject(result)) throw new MongoError(ErrorCodes.BadValue, 'The pipeline update did not produce a document');
        const next = idFirst(!isInsert && !('_id' in result) ? { _id: doc._id, ...result } : result);
        if (!isInsert) checkIdUnchanged(doc, next);
        return { doc: next, changed: isInsert || compareValues(doc, next) !== 0 };
      },
    };
  }
  if (!isPlainObject(u)) throw new MongoError(ErrorCodes.FailedToParse, 'Update argument must be either an object or an array');
  const keys = Object.keys(u);
  if (keys.length > 0 && keys[0].startsWith('$')) {
    const filters = parseArrayFilters(arrayFilters);
    const tree = buildUpdateTree(u, filters);
    return {
      kind: 'operators',
      apply(doc, isInsert = false) {
        const working = deepCopy(doc);
        const ctx = new ApplyContext(doc, { isInsert, filter, arrayFilters: filters, options });
        applyChildren(working, tree, ctx, [], undefined);
        if (!isInsert) checkIdUnchanged(doc, working);
        return { doc: idFirst(working), changed: ctx.changed };
      },
    };
  }
  if (arrayFilters?.length) {
    // mongod checks that every array filter is used, and a replacement uses none.
    const [first] = parseArrayFilters(arrayFilters).keys();
    throw new MongoError(ErrorCodes.FailedToParse, `The array filter for identifier '${first}' was not used in the update ${renderDocument(u)}`);
  }
  for (const key of keys) if (key.startsWith('$')) throw replacementError(key);
  return {
    kind: 'replacement',
    apply(doc, isInsert = false) {
      const replacement = deepCopy(u);
      if (isInsert) return { doc: idFirst({ ...(doc?._id !== undefined ? { _id: doc._id } : {}), ...replacement }), changed: true };
      if ('_id' in replacement && compareValues(replacement._id, doc._id) !== 0) {
        throw new MongoError(ErrorCodes.ImmutableField, `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${renderValue(replacement._id)}`);
      }
      const next = idFirst({ _id: doc._id, ...replacement });
      const changed = compareValues(doc, next) !== 0;
      return { doc: next, changed };
    },
  };
}

/** Builds the document an upsert inserts: seed from the query, then the update, then an `_id`. */
export function buildUpsertDocument(update, filter) {
  const seed = update.kind === 'replacement' ? pickId(upsertSeed(filter)) : upsertSeed(filter);
  const { doc } = update.apply(seed, true);
  if (doc._id === undefined) return idFirst({ _id: new ObjectId(), ...doc });
  return idFirst(doc);
}

function pickId(seed) {
  return seed._id === undefined ? {} : { _id: seed._id };
}

