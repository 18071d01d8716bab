/**
 * Databases and collections: create (including views, capped and validated collections), drop,
 * rename, collMod, and the listing and statistics commands.
 */
import { calculateObjectSize } from 'bson';
import { isPlainObject } from './bson-values.mjs';
import { collectionArg, documentArg, refuseCollation } from './command-args.mjs';
import { ErrorCodes, MongoError } from './errors.mjs';
import { compileFilter } from './read-path.mjs';
import { GENERIC_ARGUMENTS } from './generic-arguments.mjs';

const CREATE_OPTIONS = new Set([
  'capped', 'size', 'max', 'autoIndexId', 'idIndex', 'validator', 'validationLevel', 'validationAction',
  'viewOn', 'pipeline', 'collation', 'storageEngine', 'indexOptionDefaults', 'changeStreamPreAndPostImages',
  'flags', 'temp', 'recordPreImages',
]);
const UNSUPPORTED_CREATE_OPTIONS = new Set(['timeseries', 'clusteredIndex', 'encryptedFields', 'expireAfterSeconds']);

function validateValidatorOptions(options, commandName) {
  if (options.validationLevel !== undefined && !['off', 'strict', 'moderate'].includes(options.validationLevel)) {
    throw new MongoError(ErrorCodes.BadValue, `Enumeration value '${options.validationLevel}' for field '${commandName}.validationLevel' is not a valid value.`);
  }
  if (options.validationAction !== undefined && !['error', 'warn'].includes(options.validationAction)) {
    throw new MongoError(ErrorCodes.BadValue, `Enumeration value '${options.validationAction}' for field '${commandName}.validationAction' is not a valid value.`);
  }
  if (options.validator !== undefined) {
    if (!isPlainObject(options.validator)) throw new MongoError(ErrorCodes.TypeMismatch, "BSON field 'validator' is the wrong type, expected type 'object'");
    compileFilter(options.validator); // a validator must be a valid query
  }
}

function create(command, ctx) {
  const name = collectionArg(command, 'create');
  const options = {};
  for (const [field, value] of Object.entries(command)) {
    if (field === 'create' || GENERIC_ARGUMENTS.has(field)) continue;
    if (UNSUPPORTED_CREATE_OPTIONS.has(field)) {
      throw new MongoError(ErrorCodes.CommandNotSupported, `create option '${field}' is not supported by the stand-in`);
    }
    if (!CREATE_OPTIONS.has(field)) throw new MongoError(ErrorCodes.Location40415, `BSON field 'create.${field}' is an unknown field.`);
    options[field] = value;
  }
  if (options.viewOn !== undefined) {
    if (typeof options.viewOn !== 'string') throw new MongoError(ErrorCodes.TypeMismatch, "BSON field 'create.viewOn' is the wrong type, expected type 'string'");
    if (options.pipeline === undefined) options.pipeline = [];
    if (!Array.isArray(options.pipeline)) throw new MongoError(ErrorCodes.TypeMismatch, "BSON field 'create.pipeline' is the wrong type, expected type 'array'");
  } else if (options.pipeline !== undefined) {
    throw new MongoError(ErrorCodes.BadValue, "'pipeline' requires 'viewOn' to also be specified");
  }
  if (options.capped && options.size === undefined) {
    throw new MongoError(ErrorCodes.InvalidOptions, 'the size field is required when creating a capped collection');
  }
  validateValidatorOptions(options, 'create');
  refuseCollation(options.collation);
  ctx.state.catalog.create(ctx.dbName, name, options);
  return { ok: 1 };
}

function drop(command, ctx) {
  const name = collectionArg(command, 'drop');
  const entry = ctx.state.catalog.drop(ctx.dbName, name);
  if (!entry) return { ok: 1 };
  return { nIndexesWas: entry.isView ? 0 : entry.indexes.size + 1, ns: entry.ns, ok: 1 };
}

function dropDatabase(_command, ctx) {
  ctx.state.catalog.dropDatabase(ctx.dbName);
  return { ok: 1 };
}

function describeCollection(entry) {
  if (entry.isView) {
    return { name: entry.name, type: 'view', options: { viewOn: entry.options.viewOn, pipeline: entry.options.pipeline }, info: { readOnly: true } };
  }
  return {
    name: entry.name,
    type: 'collection',
    options: entry.options,
    info: { readOnly: false, uuid: entry.uuid },
    idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
  };
}

function listCollections(command, ctx) {
  const filter = compileFilter(documentArg(command, 'filter', 'listCollections'));
  const entries = [...ctx.state.catalog.collectionsOf(ctx.dbName).values()]
    .map(describeCollection)
    .filter((entry) => filter.test(entry))
    .map((entry) => (command.nameOnly ? { name: entry.name, type: entry.type } : entry));
  return ctx.state.cursors.open(`${ctx.dbName}.$cmd.listCollections`, entries, { batchSize: command.cursor?.batchSize });
}

/** A rough size: stored documents are not kept as BSON, and exact sizes would cost a full scan. */
function estimatedSize(collection) {
  if (collection.isView) return 0;
  const sample = collection.docs.values().next().value;
  const perDocument = sample ? calculateObjectSize(sample) : 0;
  return perDocument * collection.docs.size;
}

function listDatabases(command, ctx) {
  const filter = compileFilter(documentArg(command, 'filter', 'listDatabases'));
  const databases = [];
  let totalSize = 0;
  for (const [name, collections] of ctx.state.catalog.databases) {
    const sizeOnDisk = [...collections.values()].reduce((sum, entry) => sum + estimatedSize(entry), 0) + 4096 * collections.size;
    const entry = { name, sizeOnDisk, empty: false };
    if (!filter.test(entry)) continue;
    totalSize += sizeOnDisk;
    databases.push(command.nameOnly ? { name } : entry);
  }
  if (command.nameOnly) return { databases, ok: 1 };
  return { databases, totalSize, totalSizeMb: Math.floor(totalSize / 1048576), ok: 1 };
}

function splitNamespace(ns, field) {
  if (typeof ns !== 'string' || !ns.includes('.')) {
    throw new MongoError(ErrorCodes.InvalidNamespace, `Invalid ${field} namespace: ${ns}`);
  }
  const dot = ns.indexOf('.');
  return [ns.slice(0, dot), ns.slice(dot + 1)];
}

function renameCollection(command, ctx) {
  if (ctx.dbName !== 'admin') {
    throw new MongoError(ErrorCodes.Unauthorized, 'renameCollection may only be run against the admin database.');
  }
  const [sourceDb, sourceName] = splitNamespace(command.renameCollection, 'source');
  const [targetDb, targetName] = splitNamespace(command.to, 'target');
  const { catalog } = ctx.state;
  const source = catalog.get(sourceDb, sourceName);
  if (!source) throw new MongoError(ErrorCodes.NamespaceNotFound, `Source collection ${command.renameCollection} does not exist`);
  if (sourceDb === targetDb && sourceName === targetName) {
    throw new MongoError(ErrorCodes.IllegalOperation, "Can't rename a collection to itself");
  }
  if (source.isView) throw new MongoError(ErrorCodes.CommandNotSupportedOnView, `cannot rename view: ${source.ns}`);
  if (catalog.get(targetDb, targetName)) {
    if (!command.dropTarget) throw new MongoError(ErrorCodes.NamespaceExists, 'target namespace exists');
    catalog.drop(targetDb, targetName);
  }
  catalog.rename(source, targetDb, targetName);
  return { ok: 1 };
}

function collMod(command, ctx) {
  const name = collectionArg(command, 'collMod');
  const entry = ctx.state.catalog.get(ctx.dbName, name);
  if (!entry) throw new MongoError(ErrorCodes.NamespaceNotFound, `ns does not exist: ${ctx.dbName}.${name}`);
  const reply = {};
  if (entry.isView) {
    if (command.viewOn !== undefined) entry.options.viewOn = command.viewOn;
    if (command.pipeline !== undefined) entry.options.pipeline = command.pipeline;
    return { ok: 1 };
  }
  const validatorChanges = {};
  for (const field of ['validator', 'validationLevel', 'validationAction']) {
    if (command[field] !== undefined) validatorChanges[field] = command[field];
  }
  validateValidatorOptions(validatorChanges, 'collMod');
  Object.assign(entry.options, validatorChanges);
  entry.compileValidator();
  if (command.index !== undefined) {
    const spec = command.index;
    const index = typeof spec.name === 'string'
      ? entry.indexes.get(spec.name)
      : [...entry.indexes.values()].find((candidate) => JSON.stringify(candidate.keyPattern) === JSON.stringify(spec.keyPattern));
    if (!index) {
      throw new MongoError(ErrorCodes.IndexNotFound, `cannot find index ${JSON.stringify(spec.name ?? spec.keyPattern)} for ns ${entry.ns}`);
    }
    if (spec.expireAfterSeconds !== undefined) {
      reply.expireAfterSeconds_old = index.spec.expireAfterSeconds;
      reply.expireAfterSeconds_new = spec.expireAfterSeconds;
      index.spec.expireAfterSeconds = spec.expireAfterSeconds;
    }
    if (spec.hidden !== undefined) {
      reply.hidden_old = Boolean(index.spec.hidden);
      reply.hidden_new = Boolean(spec.hidden);
      index.spec.hidden = spec.hidden;
    }
  }
  return { ...reply, ok: 1 };
}

function dbStats(_command, ctx) {
  const collections = [...ctx.state.catalog.collectionsOf(ctx.dbName).values()];
  const real = collections.filter((entry) => !entry.isView);
  const objects = real.reduce((sum, c) => sum + c.docs.size, 0);
  const dataSize = real.reduce((sum, c) => sum + estimatedSize(c), 0);
  return {
    db: ctx.dbName,
    collections: real.length,
    views: collections.length - real.length,
    objects,
    avgObjSize: objects ? dataSize / objects : 0,
    dataSize,
    storageSize: dataSize,
    indexes: real.reduce((sum, c) => sum + c.indexes.size + 1, 0),
    indexSize: 0,
    totalSize: dataSize,
    scaleFactor: 1,
    fsUsedSize: 0,
    fsTotalSize: 0,
    ok: 1,
  };
}

function collStats(command, ctx) {
  const name = collectionArg(command, 'collStats');
  const collection = ctx.state.catalog.getCollection(ctx.dbName, name);
  if (!collection) throw new MongoError(ErrorCodes.NamespaceNotFound, `Collection [${ctx.dbName}.${name}] not found.`);
  const size = estimatedSize(collection);
  const indexNames = ['_id_', ...collection.indexes.keys()];
  return {
    ns: collection.ns,
    count: collection.docs.size,
    size,
    avgObjSize: collection.docs.size ? size / collection.docs.size : 0,
    storageSize: size,
    nindexes: indexNames.length,
    totalIndexSize: 0,
    indexSizes: Object.fromEntries(indexNames.map((indexName) => [indexName, 0])),
    capped: Boolean(collection.options.capped),
    ok: 1,
  };
}

export const ddlCommands = {
  create,
  drop,
  dropDatabase,
  listCollections,
  listDatabases,
  renameCollection,
  collMod,
  dbStats,
  collStats,
};
