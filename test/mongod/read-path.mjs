/**
 * Reading documents for find, count, distinct, update, delete and aggregate alike: filter
 * matching through mingo over the query planner's candidates, views expanded through their
 * pipelines, then sort, skip and limit. Stored documents are returned as-is (never mutated).
 */
import { withoutIdLookup } from './query-plan.mjs';
import { Aggregator } from 'mingo/aggregator';
import { Query } from 'mingo/query';
import { deepCopy, isPlainObject } from './bson-values.mjs';
import { mingoOptions } from './mingo-context.mjs';
import { sortDocuments } from './sorting.mjs';

const MATCH_ALL = { test: () => true };

/** A compiled filter; `variables` are the command's evaluated `let` values. */
export function compileFilter(filter, variables) {
  if (!filter || (isPlainObject(filter) && Object.keys(filter).length === 0)) return MATCH_ALL;
  return new Query(filter, mingoOptions(variables ? { variables } : {}));
}

/** Stages that never modify the documents they are given (checked against mingo's code). */
const NON_MUTATING_STAGES = new Set(['$match', '$group', '$count', '$sort', '$skip', '$limit', '$sortByCount', '$bucket', '$sample']);

/**
 * Runs an aggregation pipeline over `docs`. Some mingo stages ($unwind, $addFields on nested
 * paths, $project exclusions) modify their input in place, so stored documents are copied first
 * unless every stage is known to leave them alone. `resolveCollection` serves $lookup/$unionWith.
 */
export function runPipeline(docs, pipeline, { variables, resolveCollection } = {}) {
  if (pipeline.length === 0) return docs;
  const options = mingoOptions({ collectionResolver: resolveCollection, ...(variables ? { variables } : {}) });
  const safe = pipeline.every((stage) => NON_MUTATING_STAGES.has(Object.keys(stage)[0]));
  return new Aggregator(pipeline, options).run(safe ? docs : docs.map(deepCopy));
}

/** Documents of `dbName.name` for a pipeline's `from`/`coll`: views expanded, copies. */
export function collectionResolver(state, dbName) {
  const resolve = (name) => {
    const { collection, pipeline } = state.catalog.resolveReadSource(dbName, name);
    const docs = collection ? [...collection.docs.values()] : [];
    return pipeline.length ? runPipeline(docs, pipeline, { resolveCollection: resolve }) : docs.map(deepCopy);
  };
  return resolve;
}

/**
 * Documents of a collection or view matching `filter`, sorted, skipped and limited.
 * @param {{variables?: object, sort?: object, skip?: number, limit?: number}} options limit 0 = none
 */
export function readDocuments(state, dbName, name, filter, { variables, sort, skip = 0, limit = 0 } = {}) {
  const { collection, pipeline } = state.catalog.resolveReadSource(dbName, name);
  if (!collection) return [];
  // Straight from the collection, an `_id` lookup already decides the `_id` part of the filter.
  const query = compileFilter(pipeline.length > 0 ? filter : withoutIdLookup(filter), variables);
  const { $natural: natural, ...fieldSort } = sort ?? {};
  const hasSort = Object.keys(fieldSort).length > 0;
  let source;
  if (pipeline.length > 0) {
    source = runPipeline([...collection.docs.values()], pipeline, { resolveCollection: collectionResolver(state, dbName) });
  } else {
    source = collection.candidates(filter ?? {});
  }
  if (natural !== undefined && Number(natural) < 0) source = [...source].reverse();
  const matched = [];
  // Without a sort the scan can stop as soon as the requested page is complete.
  const enough = !hasSort && limit > 0 ? skip + limit : Infinity;
  for (const doc of source) {
    if (query.test(doc)) {
      matched.push(doc);
      if (matched.length >= enough) break;
    }
  }
  let result = hasSort ? sortDocuments(matched, fieldSort) : matched;
  if (skip > 0 || limit > 0) result = result.slice(skip, limit > 0 ? skip + limit : undefined);
  return result;
}

/**
 * find's projection (including positional `a.$`, $slice and $elemMatch), `_id` kept first. The
 * filter only matters to the positional operator; the documents given are projected regardless.
 */
export function projectDocuments(docs, projection, filter, variables) {
  if (!projection || Object.keys(projection).length === 0) return docs;
  const options = mingoOptions(variables ? { variables } : {});
  const positional = Object.keys(projection).some((key) => key.endsWith('.$'));
  const query = new Query(positional ? filter ?? {} : {}, options);
  return query.find(docs, projection).all().map((doc) => {
    if (!('_id' in doc) || Object.keys(doc)[0] === '_id') return doc;
    const { _id, ...rest } = doc;
    return { _id, ...rest };
  });
}
