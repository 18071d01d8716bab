/**
 * createIndexes, listIndexes and dropIndexes, with mongod's validation of index specs and its
 * rules for indexes that already exist under the same name or key pattern.
 */
import { isPlainObject, toNumber } from './bson-values.mjs';
import { collectionArg, refuseCollation } from './command-args.mjs';
import { ID_INDEX_NAME } from './collection.mjs';
import { ErrorCodes, MongoError } from './errors.mjs';
import { INDEX_OPTION_FIELDS, sameKeyPattern } from './hash-index.mjs';
import { compileFilter } from './read-path.mjs';
import { renderDocument } from './render.mjs';

const INDEX_PLUGINS = new Set(['text', '2d', '2dsphere', 'geoHaystack', 'hashed']);

function invalidSpec(message) {
  return new MongoError(ErrorCodes.CannotCreateIndex, message);
}

function validateKeyPattern(key) {
  if (!isPlainObject(key) || Object.keys(key).length === 0) throw invalidSpec('Index keys cannot be an empty field.');
  for (const [field, type] of Object.entries(key)) {
    if (field.length === 0) throw invalidSpec('Index keys cannot be an empty field.');
    if (typeof type === 'string') {
      if (!INDEX_PLUGINS.has(type)) throw invalidSpec(`Unknown index plugin '${type}'`);
      continue;
    }
    const n = toNumber(type);
    if (typeof type === 'boolean' || !Number.isFinite(n)) {
      throw invalidSpec(`Values in v:2 index key pattern cannot be of type ${typeof type === 'boolean' ? 'bool' : typeof type}. Only numbers > 0, numbers < 0, and strings are allowed.`);
    }
    if (n === 0) throw invalidSpec("Values in the index key pattern can't be all zero.");
  }
}

function validateSpec(spec) {
  if (!isPlainObject(spec)) throw new MongoError(ErrorCodes.TypeMismatch, 'Each index specification must be an object');
  validateKeyPattern(spec.key);
  refuseCollation(spec.collation);
  if (typeof spec.name !== 'string' || spec.name.length === 0) {
    throw new MongoError(ErrorCodes.FailedToParse, `Error in specification ${renderDocument(spec, { spaced: true })} :: caused by :: The 'name' field is a required property of an index specification`);
  }
  for (const field of Object.keys(spec)) {
    if (field !== 'key' && field !== 'name' && !INDEX_OPTION_FIELDS.has(field)) {
      throw new MongoError(ErrorCodes.InvalidIndexSpecificationOption, `The field '${field}' is not valid for an index specification. Specification: ${renderDocument(spec, { spaced: true })}`);
    }
  }
  if (spec.expireAfterSeconds !== undefined) {
    const seconds = toNumber(spec.expireAfterSeconds);
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw invalidSpec(`TTL index 'expireAfterSeconds' option must be a non-negative number, found: ${spec.expireAfterSeconds}`);
    }
    if (Object.keys(spec.key).length !== 1) throw invalidSpec('TTL indexes are single-field indexes, compound indexes do not support TTL.');
  }
  if (spec.partialFilterExpression !== undefined) {
    if (!isPlainObject(spec.partialFilterExpression)) throw invalidSpec('partialFilterExpression must be an object');
    compileFilter(spec.partialFilterExpression);
  }
  if (spec.sparse && spec.partialFilterExpression) {
    throw invalidSpec('cannot mix "partialFilterExpression" and "sparse" options');
  }
  const isIdIndex = sameKeyPattern(spec.key, { _id: 1 });
  if (spec.name === ID_INDEX_NAME && !isIdIndex) throw invalidSpec(`The index name '_id_' is reserved for the _id index, which must have key pattern {_id: 1}, found key: ${renderDocument(spec.key, { spaced: true })}`);
  if (isIdIndex && (spec.unique === false || spec.sparse || spec.partialFilterExpression || spec.expireAfterSeconds !== undefined)) {
    throw new MongoError(ErrorCodes.InvalidIndexSpecificationOption, `The field '${spec.sparse ? 'sparse' : 'unique'}' is not valid for an _id index specification. Specification: ${renderDocument(spec, { spaced: true })}`);
  }
  return isIdIndex;
}

/** What to do with a spec given the existing indexes: 'exists' or 'create' (else it throws). */
function classify(collection, spec) {
  const byName = collection?.indexes.get(spec.name);
  if (byName) {
    if (byName.sameDefinition(spec)) return 'exists';
    if (!sameKeyPattern(byName.keyPattern, spec.key)) {
      throw new MongoError(ErrorCodes.IndexKeySpecsConflict, `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${renderDocument({ v: 2, key: spec.key, name: spec.name }, { spaced: true })}, existing index: ${renderDocument(byName.describe(), { spaced: true })}`);
    }
    throw new MongoError(ErrorCodes.IndexOptionsConflict, `An equivalent index already exists with the same name but different options. Requested index: ${renderDocument(spec, { spaced: true })}, existing index: ${renderDocument(byName.describe(), { spaced: true })}`);
  }
  for (const existing of collection?.indexes.values() ?? []) {
    if (!sameKeyPattern(existing.keyPattern, spec.key)) continue;
    if (existing.sameDefinition(spec)) {
      throw new MongoError(ErrorCodes.IndexOptionsConflict, `Index already exists with a different name: ${existing.name}`);
    }
    // Same key pattern with different options (e.g. unique vs not) is a conflict too, unless
    // the partial filters differ: mongod allows several partial indexes on one key pattern.
    if (!existing.spec.partialFilterExpression && !spec.partialFilterExpression) {
      throw new MongoError(ErrorCodes.IndexOptionsConflict, `An existing index has the same key pattern but different options. Requested index: ${renderDocument(spec, { spaced: true })}, existing index: ${renderDocument(existing.describe(), { spaced: true })}`);
    }
  }
  return 'create';
}

function createIndexes(command, ctx) {
  const name = collectionArg(command, 'createIndexes');
  const specs = command.indexes;
  if (!Array.isArray(specs) || specs.length === 0) throw new MongoError(ErrorCodes.BadValue, 'Must specify at least one index to create');
  const { catalog } = ctx.state;
  const existed = Boolean(catalog.getCollection(ctx.dbName, name));
  const toCreate = [];
  for (const spec of specs) {
    const isIdIndex = validateSpec(spec);
    if (isIdIndex) continue;
    if (toCreate.some((other) => other.name === spec.name)) continue;
    const existing = existed ? catalog.getCollection(ctx.dbName, name) : undefined;
    if (classify(existing, spec) === 'create') toCreate.push(spec);
  }
  const collection = catalog.getOrCreateCollection(ctx.dbName, name);
  const before = collection.indexes.size + 1;
  const built = [];
  try {
    for (const spec of toCreate) {
      const { v: _v, background: _background, ...stored } = spec;
      built.push(collection.addIndex(stored).name);
    }
  } catch (error) {
    // All indexes of one createIndexes command are built together: none survive a failure.
    for (const indexName of built) collection.indexes.delete(indexName);
    throw error;
  }
  const reply = {
    numIndexesBefore: before,
    numIndexesAfter: collection.indexes.size + 1,
    createdCollectionAutomatically: !existed,
    ok: 1,
  };
  if (built.length === 0) reply.note = 'all indexes already exist';
  return reply;
}

function listIndexes(command, ctx) {
  const name = collectionArg(command, 'listIndexes');
  const collection = ctx.state.catalog.getCollection(ctx.dbName, name);
  if (!collection) throw new MongoError(ErrorCodes.NamespaceNotFound, `ns does not exist: ${ctx.dbName}.${name}`);
  return ctx.state.cursors.open(`${ctx.dbName}.$cmd.listIndexes.${name}`, collection.describeIndexes(), { batchSize: command.cursor?.batchSize });
}

function dropIndexes(command, ctx, commandName) {
  const name = collectionArg(command, commandName);
  const collection = ctx.state.catalog.getCollection(ctx.dbName, name);
  if (!collection) throw new MongoError(ErrorCodes.NamespaceNotFound, `ns not found ${ctx.dbName}.${name}`);
  const nIndexesWas = collection.indexes.size + 1;
  const target = command.index;
  if (target === '*') {
    collection.indexes.clear();
    return { nIndexesWas, msg: 'non-_id indexes dropped for collection', ok: 1 };
  }
  const names = [];
  if (typeof target === 'string') names.push(target);
  else if (Array.isArray(target)) names.push(...target);
  else if (isPlainObject(target)) {
    if (sameKeyPattern(target, { _id: 1 })) throw new MongoError(ErrorCodes.InvalidOptions, 'cannot drop _id index');
    const index = [...collection.indexes.values()].find((candidate) => sameKeyPattern(candidate.keyPattern, target));
    if (!index) throw new MongoError(ErrorCodes.IndexNotFound, `can't find index with key: ${renderDocument(target, { spaced: true })}`);
    names.push(index.name);
  } else {
    throw new MongoError(ErrorCodes.TypeMismatch, "BSON field 'dropIndexes.index' is the wrong type, expected types '[string, object, array]'");
  }
  for (const indexName of names) {
    if (indexName === ID_INDEX_NAME) throw new MongoError(ErrorCodes.InvalidOptions, 'cannot drop _id index');
    if (!collection.indexes.has(indexName)) throw new MongoError(ErrorCodes.IndexNotFound, `index not found with name [${indexName}]`);
  }
  for (const indexName of names) collection.indexes.delete(indexName);
  return { nIndexesWas, ok: 1 };
}

export const indexCommands = {
  createIndexes,
  listIndexes,
  dropIndexes: (command, ctx) => dropIndexes(command, ctx, 'dropIndexes'),
  deleteIndexes: (command, ctx) => dropIndexes(command, ctx, 'deleteIndexes'),
  reIndex: (command, ctx) => {
    const collection = ctx.state.catalog.getCollection(ctx.dbName, collectionArg(command, 'reIndex'));
    if (!collection) throw new MongoError(ErrorCodes.NamespaceNotFound, 'collection does not exist');
    return { nIndexesWas: collection.indexes.size + 1, nIndexes: collection.indexes.size + 1, indexes: collection.describeIndexes(), ok: 1 };
  },
};
