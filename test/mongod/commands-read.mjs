/**
 * find (with getMore and killCursors for the batches that follow), count and distinct.
 */
import { compareValues, isPlainObject } from './bson-values.mjs';
import { checkHint, collectionArg, documentArg, nonNegativeInt, refuseCollation } from './command-args.mjs';
import { ErrorCodes, MongoError } from './errors.mjs';
import { projectDocuments, readDocuments } from './read-path.mjs';
import { parseSortSpec } from './sorting.mjs';
import { evaluateVariables } from './update-apply.mjs';

function find(command, ctx) {
  const name = collectionArg(command, 'find');
  const filter = documentArg(command, 'filter', 'find') ?? {};
  const sort = documentArg(command, 'sort', 'find');
  const projection = documentArg(command, 'projection', 'find');
  const skip = nonNegativeInt(command, 'skip', 'find') ?? 0;
  const limit = nonNegativeInt(command, 'limit', 'find') ?? 0;
  const batchSize = nonNegativeInt(command, 'batchSize', 'find');
  if (sort) parseSortSpec(Object.fromEntries(Object.entries(sort).filter(([key]) => key !== '$natural')));
  refuseCollation(command.collation);
  if (command.tailable) {
    throw new MongoError(ErrorCodes.CommandNotSupported, 'tailable cursors are not supported by the MongoDB stand-in (test/mongod)');
  }
  const variables = evaluateVariables(command.let);
  checkHint(ctx.state.catalog.get(ctx.dbName, name), command.hint);
  ctx.state.opcounters.query += 1;
  const docs = readDocuments(ctx.state, ctx.dbName, name, filter, { variables, sort, skip, limit });
  const projected = projectDocuments(docs, projection, filter, variables);
  return ctx.state.cursors.open(`${ctx.dbName}.${name}`, projected, { batchSize, singleBatch: Boolean(command.singleBatch) });
}

function getMore(command, ctx) {
  const name = command.collection;
  if (typeof name !== 'string') throw new MongoError(ErrorCodes.FailedToParse, "BSON field 'getMore.collection' is missing but a required field");
  ctx.state.opcounters.getmore += 1;
  return ctx.state.cursors.getMore(`${ctx.dbName}.${name}`, command.getMore, nonNegativeInt(command, 'batchSize', 'getMore'));
}

function killCursors(command, ctx) {
  collectionArg(command, 'killCursors');
  if (!Array.isArray(command.cursors)) throw new MongoError(ErrorCodes.FailedToParse, "BSON field 'killCursors.cursors' is missing but a required field");
  return ctx.state.cursors.kill(command.cursors);
}

function count(command, ctx) {
  const name = collectionArg(command, 'count');
  const filter = documentArg(command, 'query', 'count') ?? {};
  const skip = nonNegativeInt(command, 'skip', 'count') ?? 0;
  // count takes a negative limit as its absolute value (a legacy of OP_QUERY's numberToReturn).
  const limit = command.limit === undefined || command.limit === null ? 0 : Math.abs(Math.trunc(Number(command.limit)));
  refuseCollation(command.collation);
  checkHint(ctx.state.catalog.get(ctx.dbName, name), command.hint);
  const { collection, pipeline } = ctx.state.catalog.resolveReadSource(ctx.dbName, name);
  ctx.state.opcounters.command += 1;
  // Counting a whole collection needs no scan.
  if (collection && pipeline.length === 0 && Object.keys(filter).length === 0) {
    const total = Math.max(0, collection.docs.size - skip);
    return { n: limit > 0 ? Math.min(total, limit) : total, ok: 1 };
  }
  return { n: readDocuments(ctx.state, ctx.dbName, name, filter, { skip, limit }).length, ok: 1 };
}

/** Values at a dotted path for distinct: arrays along the way and at the end are unwound once. */
function distinctValues(value, parts, depth, out) {
  if (value === undefined) return;
  if (depth === parts.length) {
    if (Array.isArray(value)) out.push(...value);
    else out.push(value);
    return;
  }
  if (Array.isArray(value)) {
    const part = parts[depth];
    if (/^\d+$/.test(part)) distinctValues(value[Number(part)], parts, depth + 1, out);
    for (const element of value) if (isPlainObject(element)) distinctValues(element[part], parts, depth + 1, out);
    return;
  }
  if (isPlainObject(value)) distinctValues(value[parts[depth]], parts, depth + 1, out);
}

function distinct(command, ctx) {
  const name = collectionArg(command, 'distinct');
  if (typeof command.key !== 'string') throw new MongoError(ErrorCodes.FailedToParse, "BSON field 'distinct.key' is missing but a required field");
  if (command.key.length === 0) throw new MongoError(ErrorCodes.BadValue, 'FieldPath cannot be constructed with empty string');
  const filter = documentArg(command, 'query', 'distinct') ?? {};
  refuseCollation(command.collation);
  checkHint(ctx.state.catalog.get(ctx.dbName, name), command.hint);
  const parts = command.key.split('.');
  const values = [];
  for (const doc of readDocuments(ctx.state, ctx.dbName, name, filter)) distinctValues(doc, parts, 0, values);
  // mongod collects distinct values in an ordered set, so they come back sorted.
  values.sort(compareValues);
  const unique = values.filter((value, i) => i === 0 || compareValues(value, values[i - 1]) !== 0);
  ctx.state.opcounters.command += 1;
  return { values: unique, ok: 1 };
}

export const readCommands = { find, getMore, killCursors, count, distinct };
