/**
 * The aggregate command: pipelines evaluated by mingo over a collection, a view or (for
 * `{aggregate: 1}`) no collection, with $lookup/$unionWith reading other collections of the same
 * database, `$out`/`$merge` writing through the collection layer, and cursor replies.
 */
import { isPlainObject } from './bson-values.mjs';
import { checkHint, nonNegativeInt, refuseCollation } from './command-args.mjs';
import { ErrorCodes, MongoError } from './errors.mjs';
import { MINGO_CONTEXT } from './mingo-context.mjs';
import { collectionResolver, compileFilter, runPipeline } from './read-path.mjs';
import { evaluateVariables } from './update-apply.mjs';
import { writeMerge, writeOut } from './aggregate-output.mjs';
import { OpType } from 'mingo/core';

const WRITE_STAGES = new Set(['$out', '$merge']);
/** Stages that only make sense on a replica set or need server internals the stand-in lacks. */
const UNSUPPORTED_STAGES = {
  $changeStream: [ErrorCodes.Location40573, 'The $changeStream stage is only supported on replica sets'],
  $currentOp: [ErrorCodes.CommandNotSupported, '$currentOp is not supported by the stand-in'],
  $listLocalSessions: [ErrorCodes.CommandNotSupported, '$listLocalSessions is not supported by the stand-in'],
  $listSessions: [ErrorCodes.CommandNotSupported, '$listSessions is not supported by the stand-in'],
  $search: [ErrorCodes.CommandNotSupported, '$search is only supported on MongoDB Atlas'],
  $geoNear: [ErrorCodes.CommandNotSupported, '$geoNear is not supported by the stand-in'],
};
/** Stages computed here rather than by mingo, from the collection's own metadata. */
const METADATA_STAGES = new Set(['$indexStats', '$collStats']);

function stageName(stage, index) {
  if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
    throw new MongoError(ErrorCodes.Location40323, 'A pipeline stage specification object must contain exactly one field.');
  }
  const name = Object.keys(stage)[0];
  if (UNSUPPORTED_STAGES[name]) throw new MongoError(...UNSUPPORTED_STAGES[name]);
  if (!METADATA_STAGES.has(name) && !WRITE_STAGES.has(name) && !MINGO_CONTEXT.getOperator(OpType.PIPELINE, name)) {
    throw new MongoError(ErrorCodes.Location40324, `Unrecognized pipeline stage name: '${name}'`);
  }
  if (METADATA_STAGES.has(name) && index !== 0) {
    throw new MongoError(ErrorCodes.Location40602, `${name} is only valid as the first stage in a pipeline`);
  }
  return name;
}

function metadataDocuments(name, spec, collection, ns) {
  if (!collection) return [];
  if (name === '$indexStats') {
    return collection.describeIndexes().map((index) => ({
      name: index.name, key: index.key, host: 'localhost', accesses: { ops: 0, since: collection.createdAt }, spec: index,
    }));
  }
  const stats = { ns, host: 'localhost', localTime: new Date() };
  if (spec.count) stats.count = { count: collection.docs.size };
  if (spec.storageStats) stats.storageStats = { count: collection.docs.size, nindexes: collection.indexes.size + 1, capped: Boolean(collection.options.capped) };
  return [stats];
}

function aggregate(command, ctx) {
  const { state, dbName } = ctx;
  const target = command.aggregate;
  const isDatabaseLevel = target === 1 || target === 1.0;
  if (!isDatabaseLevel && typeof target !== 'string') {
    throw new MongoError(ErrorCodes.FailedToParse, "Invalid aggregate namespace: 'aggregate' must be a collection name or 1");
  }
  const pipeline = command.pipeline;
  if (!Array.isArray(pipeline)) throw new MongoError(ErrorCodes.TypeMismatch, "'pipeline' option must be specified as an array");
  if (command.explain) throw new MongoError(ErrorCodes.CommandNotSupported, 'explain is not supported by the stand-in');
  if (!isPlainObject(command.cursor)) {
    throw new MongoError(ErrorCodes.FailedToParse, "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  const batchSize = nonNegativeInt(command.cursor, 'batchSize', 'aggregate.cursor');
  refuseCollation(command.collation);
  const names = pipeline.map(stageName);
  names.forEach((name, i) => {
    if (WRITE_STAGES.has(name) && i !== names.length - 1) {
      throw new MongoError(ErrorCodes.Location40601, `${name} can only be the final stage in the pipeline`);
    }
  });
  if (isDatabaseLevel && names[0] !== '$documents') {
    throw new MongoError(ErrorCodes.InvalidNamespace, `{aggregate: 1} is not valid for '${names[0] ?? '$match'}'; a collection is required.`);
  }
  const variables = evaluateVariables(command.let);
  const resolveCollection = collectionResolver(state, dbName);

  let input = [];
  let stages = pipeline;
  if (!isDatabaseLevel) {
    const source = state.catalog.resolveReadSource(dbName, target);
    checkHint(source.collection, command.hint);
    if (METADATA_STAGES.has(names[0])) {
      input = metadataDocuments(names[0], pipeline[0][names[0]], source.collection, `${dbName}.${target}`);
      stages = pipeline.slice(1);
    } else if (source.collection) {
      stages = [...source.pipeline, ...pipeline];
      // A leading $match on the collection itself can use the indexes.
      const first = stages[0];
      if (isPlainObject(first) && isPlainObject(first.$match) && source.pipeline.length === 0) {
        const query = compileFilter(first.$match, variables);
        input = [...source.collection.candidates(first.$match)].filter((doc) => query.test(doc));
        stages = stages.slice(1);
      } else {
        input = [...source.collection.docs.values()];
      }
    } else {
      stages = [...source.pipeline, ...pipeline];
    }
  }

  const last = stages[stages.length - 1];
  const writeStage = last && WRITE_STAGES.has(Object.keys(last)[0]) ? Object.keys(last)[0] : undefined;
  const computeStages = writeStage ? stages.slice(0, -1) : stages;
  const results = runPipeline(input, computeStages, { variables, resolveCollection });
  ctx.state.opcounters.command += 1;
  const ns = isDatabaseLevel ? `${dbName}.$cmd.aggregate` : `${dbName}.${target}`;
  if (writeStage === '$out') {
    writeOut(state, dbName, last.$out, results);
    return state.cursors.open(ns, [], { batchSize });
  }
  if (writeStage === '$merge') {
    writeMerge(state, dbName, last.$merge, results, variables);
    return state.cursors.open(ns, [], { batchSize });
  }
  return state.cursors.open(ns, results, { batchSize });
}

export const aggregateCommands = { aggregate };
