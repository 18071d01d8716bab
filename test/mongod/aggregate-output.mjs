/**
 * The writing stages of a pipeline, `$out` and `$merge`. They run after the rest of the pipeline
 * (mingo computes the documents) and write through the collection layer, so unique indexes and
 * the catalog stay consistent.
 */
import { compareValues, isPlainObject } from './bson-values.mjs';
import { Collection } from './collection.mjs';
import { ErrorCodes, MongoError } from './errors.mjs';
import { sameKeyPattern } from './hash-index.mjs';
import { compileUpdate } from './update-apply.mjs';
import { prepareForInsert } from './commands-write.mjs';
import { runPipeline } from './read-path.mjs';

function targetOf(spec, dbName, stage) {
  if (typeof spec === 'string') return { db: dbName, coll: spec };
  if (isPlainObject(spec) && typeof spec.coll === 'string') return { db: spec.db ?? dbName, coll: spec.coll };
  throw new MongoError(ErrorCodes.FailedToParse, `${stage} stage requires a target collection name`);
}

/** $out: replaces the target's documents with the results, keeping its options and indexes. */
export function writeOut(state, dbName, spec, docs) {
  const { db, coll } = targetOf(spec, dbName, '$out');
  const existing = state.catalog.getCollection(db, coll);
  // Build the new contents beside the old ones, so a duplicate key leaves the target untouched.
  const replacement = new Collection(db, coll, existing ? existing.options : {});
  for (const index of existing?.indexes.values() ?? []) replacement.addIndex(index.spec);
  for (const doc of docs) replacement.insert(prepareForInsert(doc));
  const target = state.catalog.getOrCreateCollection(db, coll);
  target.truncate();
  for (const doc of replacement.docs.values()) target.insert(doc);
}

function onFieldsOf(spec) {
  if (spec.on === undefined) return ['_id'];
  const fields = Array.isArray(spec.on) ? spec.on : [spec.on];
  if (fields.length === 0 || !fields.every((field) => typeof field === 'string')) {
    throw new MongoError(ErrorCodes.FailedToParse, "$merge 'on' field must be a string or an array of strings");
  }
  return fields;
}

function valueAt(doc, path) {
  let value = doc;
  for (const part of path.split('.')) {
    if (!isPlainObject(value)) return undefined;
    value = value[part];
  }
  return value;
}

/** $merge: upserts each result into the target matched on the `on` fields. */
export function writeMerge(state, dbName, spec, docs, variables) {
  const options = typeof spec === 'string' ? { into: spec } : spec;
  if (!isPlainObject(options) || options.into === undefined) {
    throw new MongoError(ErrorCodes.FailedToParse, "BSON field '$merge.into' is missing but a required field");
  }
  const { db, coll } = targetOf(options.into, dbName, '$merge');
  const onFields = onFieldsOf(options);
  const whenMatched = options.whenMatched ?? 'merge';
  const whenNotMatched = options.whenNotMatched ?? 'insert';
  const target = state.catalog.getOrCreateCollection(db, coll);
  const onId = onFields.length === 1 && onFields[0] === '_id';
  if (!onId) {
    const keyPattern = Object.fromEntries(onFields.map((field) => [field, 1]));
    const covered = [...target.indexes.values()].some((index) => index.unique && !index.partialFilter
      && Object.keys(index.keyPattern).length === onFields.length && onFields.every((field) => field in index.keyPattern));
    if (!covered && !sameKeyPattern(keyPattern, { _id: 1 })) {
      throw new MongoError(ErrorCodes.Location51183, 'Cannot find index to verify that join fields will be unique');
    }
  }
  if (!Array.isArray(whenMatched) && !['merge', 'replace', 'keepExisting', 'fail'].includes(whenMatched)) {
    throw new MongoError(ErrorCodes.BadValue, `Enumeration value '${whenMatched}' for field 'whenMatched' is not a valid value.`);
  }

  for (const result of docs) {
    const doc = prepareForInsert(result);
    const filter = {};
    for (const field of onFields) {
      const value = valueAt(doc, field);
      if (value === undefined || value === null || Array.isArray(value)) {
        throw new MongoError(ErrorCodes.Location51132, "$merge write error: 'on' field cannot be missing, null, undefined or an array");
      }
      filter[field] = value;
    }
    const [existing] = [...target.candidates(filter)].filter((candidate) => onFields.every((field) => {
      const value = valueAt(candidate, field);
      return value !== undefined && compareValues(value, filter[field]) === 0;
    }));
    if (!existing) {
      if (whenNotMatched === 'insert') target.insert(doc);
      else if (whenNotMatched === 'fail') {
        throw new MongoError(ErrorCodes.MergeStageNoMatchingDocument, '$merge could not find a matching document in the target collection for at least one document in the source collection');
      }
      continue;
    }
    if (whenMatched === 'keepExisting') continue;
    if (whenMatched === 'fail') {
      target.insert(doc); // raises mongod's E11000 for the existing document
      continue;
    }
    let next;
    if (whenMatched === 'replace') next = { ...doc, _id: existing._id };
    else if (whenMatched === 'merge') next = { ...existing, ...doc, _id: existing._id };
    else {
      const letValues = options.let ? evaluateLet(options.let, doc) : { new: doc };
      next = compileUpdate(whenMatched, { variables: { ...variables, ...letValues } }).apply(existing).doc;
    }
    target.replace(existing, { _id: existing._id, ...next });
  }
}

/** `$merge.let` expressions are evaluated against the source document (`$$new` by default). */
function evaluateLet(letSpec, doc) {
  const [evaluated] = runPipeline([doc], [{ $project: { _id: 0, ...Object.fromEntries(Object.entries(letSpec).map(([k, v]) => [k, isPlainObject(v) || typeof v === 'string' ? v : { $literal: v }])) } }]);
  return evaluated ?? {};
}
