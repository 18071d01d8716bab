/**
 * The mingo operator set the stand-in evaluates queries and pipelines with: all of mingo's
 * operators, with a few replaced where mingo's behaviour differs from mongod's — BSON type names
 * (`$type`), the cross-type sort order (`$sort`), `_id` leading `$project` output, `$bucket`
 * boundaries, and `$elemMatch` projections on arrays of scalars — plus the `$jsonSchema` validator.
 */
import { Context, evalExpr } from 'mingo/core';
import { Lazy } from 'mingo/lazy';
import { Query } from 'mingo/query';
import { resolve } from 'mingo/util';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import { bsonTypeName, compareValues, hasBsonType, isPlainObject, sortClass } from './bson-values.mjs';
import { jsonSchemaValidator } from './json-schema.mjs';
import { sortDocuments } from './sorting.mjs';

/** Values a query predicate sees at a dotted path: the field itself and, for arrays, their elements. */
function queryValues(doc, parts, depth = 0, out = []) {
  if (depth === parts.length) {
    if (doc === undefined) return out;
    out.push(doc);
    if (Array.isArray(doc)) out.push(...doc);
    return out;
  }
  if (Array.isArray(doc)) {
    const part = parts[depth];
    if (/^\d+$/.test(part)) queryValues(doc[Number(part)], parts, depth + 1, out);
    for (const element of doc) if (isPlainObject(element)) queryValues(element[part], parts, depth + 1, out);
    return out;
  }
  if (isPlainObject(doc)) queryValues(doc[parts[depth]], parts, depth + 1, out);
  return out;
}

/** Query `$type`: BSON type names and numbers, "number", arrays of either; arrays match by element too. */
function $typeQuery(selector, spec, _options) {
  const wanted = Array.isArray(spec) ? spec : [spec];
  const parts = selector.split('.');
  return (doc) => queryValues(doc, parts).some((value) => wanted.some((type) => hasBsonType(value, type)));
}

/** Aggregation `$type`: mongod's type name of the evaluated expression ("missing" when absent). */
function $typeExpression(obj, expr, options) {
  // Like every single-argument operator, $type also takes its argument wrapped in a 1-element list.
  if (Array.isArray(expr) && expr.length === 1) expr = expr[0];
  return bsonTypeName(evalExpr(obj, expr, options));
}

/** `$sort` with mongod's ordering: cross-type order, arrays by their min/max element, stable. */
function $sortStage(collection, sortSpec, _options) {
  return collection.transform((docs) => Lazy(sortDocuments(docs, sortSpec)));
}

/** mongod always emits `_id` first; mingo's `$project` appends it after computed fields. */
function $projectStage(collection, expr, options) {
  return pipelineOperators.$project(collection, expr, options).map((doc) => {
    if (!isPlainObject(doc) || !('_id' in doc) || Object.keys(doc)[0] === '_id') return doc;
    const { _id, ...rest } = doc;
    return { _id, ...rest };
  });
}

/**
 * find's `$elemMatch` projection: the first matching element. Conditions made only of operators
 * (`{$gte: 5}`) apply to the elements themselves, as in the `$elemMatch` query operator.
 */
function $elemMatchProjection(obj, expr, field, options) {
  const array = resolve(obj, field);
  if (!Array.isArray(array)) return undefined;
  const keys = Object.keys(expr);
  const onValues = keys.length > 0 && keys.every((key) => key.startsWith('$') && !['$and', '$or', '$nor'].includes(key));
  const query = new Query(onValues ? { value: expr } : expr, options);
  const match = array.find((element) => (onValues ? query.test({ value: element }) : isPlainObject(element) && query.test(element)));
  return match === undefined ? undefined : [match];
}

/**
 * `$bucket`: each document goes to the bucket whose lower boundary is the largest one not above
 * its value (lower bounds inclusive, upper exclusive), else to `default`. Buckets come out in
 * boundary order with `_id` first. (mingo misplaces values equal to an inner boundary.)
 */
function $bucketStage(collection, spec, options) {
  const bounds = spec.boundaries;
  if (!Array.isArray(bounds) || bounds.length < 2) throw new Error("The $bucket 'boundaries' field must be an array of at least two values");
  for (let i = 1; i < bounds.length; i++) {
    if (sortClass(bounds[i]) !== sortClass(bounds[0]) || compareValues(bounds[i - 1], bounds[i]) >= 0) {
      throw new Error("The 'boundaries' option to $bucket must be sorted in ascending order and of the same type");
    }
  }
  const output = spec.output ?? { count: { $sum: 1 } };
  return collection.transform((docs) => {
    const groups = bounds.slice(0, -1).map(() => []);
    const fallback = [];
    for (const doc of docs) {
      const key = evalExpr(doc, spec.groupBy, options);
      let slot = -1;
      if (key !== undefined && key !== null && sortClass(key) === sortClass(bounds[0])) {
        for (let i = 0; i < bounds.length - 1; i++) {
          if (compareValues(key, bounds[i]) >= 0 && compareValues(key, bounds[i + 1]) < 0) slot = i;
        }
      }
      if (slot >= 0) groups[slot].push(doc);
      else if (spec.default !== undefined) fallback.push(doc);
      else throw new Error("$bucket could not find a matching branch for an input, and no default was specified.");
    }
    const results = [];
    groups.forEach((group, i) => {
      if (group.length > 0) results.push({ _id: bounds[i], ...evalExpr(group, output, options) });
    });
    if (fallback.length > 0) results.push({ _id: spec.default, ...evalExpr(fallback, output, options) });
    return Lazy(results);
  });
}

export const MINGO_CONTEXT = Context.init({
  accumulator: accumulatorOperators,
  expression: { ...expressionOperators, $type: $typeExpression },
  pipeline: { ...pipelineOperators, $sort: $sortStage, $project: $projectStage, $bucket: $bucketStage },
  projection: { ...projectionOperators, $elemMatch: $elemMatchProjection },
  query: { ...queryOperators, $type: $typeQuery },
  window: windowOperators,
});

/** Options for mingo's Query and Aggregator. */
export function mingoOptions(extra = {}) {
  return { context: MINGO_CONTEXT, useStrictMode: true, scriptEnabled: true, jsonSchemaValidator, ...extra };
}
