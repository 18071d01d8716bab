/**
 * insert, update, delete and findAndModify. Each statement of a write command succeeds or fails
 * on its own and failures are reported per statement in `writeErrors` (with their index); an
 * ordered command stops at the first failure. Malformed commands fail as a whole, like mongod's
 * IDL parser rejects them before anything is written.
 */
import { withoutIdLookup } from './query-plan.mjs';
import { ObjectId } from 'bson';
import { bsonTypeName, isPlainObject, toNumber } from './bson-values.mjs';
import { checkHint, collectionArg, documentArg, refuseCollation } from './command-args.mjs';
import { asMongoError, ErrorCodes, MongoError } from './errors.mjs';
import { compileFilter, projectDocuments } from './read-path.mjs';
import { sortDocuments } from './sorting.mjs';
import { buildUpsertDocument, compileUpdate, evaluateVariables, idFirst } from './update-apply.mjs';

const UPDATE_STATEMENT_FIELDS = new Set(['q', 'u', 'c', 'upsert', 'multi', 'arrayFilters', 'hint', 'collation', 'upsertSupplied', 'sampleId']);
const DELETE_STATEMENT_FIELDS = new Set(['q', 'limit', 'hint', 'collation', 'sampleId']);

function statementsArg(command, field, commandName, knownFields) {
  const statements = command[field];
  if (!Array.isArray(statements)) {
    throw new MongoError(ErrorCodes.FailedToParse, `BSON field '${commandName}.${field}' is missing but a required field`);
  }
  if (statements.length > 100000) {
    throw new MongoError(ErrorCodes.InvalidOptions, `Write batch sizes must be between 1 and 100000. Got ${statements.length} operations.`);
  }
  if (knownFields) {
    for (const statement of statements) {
      refuseCollation(statement.collation);
      for (const key of Object.keys(statement)) {
        if (!knownFields.has(key)) {
          throw new MongoError(ErrorCodes.Location40415, `BSON field '${commandName}.${field}.${key}' is an unknown field.`);
        }
      }
    }
  }
  return statements;
}

/** mongod's rules for `_id` values, checked before a document is stored. */
function checkId(id) {
  const type = bsonTypeName(id);
  if (type === 'array' || type === 'regex' || type === 'undefined') {
    throw new MongoError(ErrorCodes.InvalidIdField, `The '_id' value cannot be of type ${type}`);
  }
  if (isPlainObject(id)) {
    for (const key of Object.keys(id)) {
      if (key.startsWith('$')) {
        throw new MongoError(ErrorCodes.DollarPrefixedFieldName, `_id fields may not contain '$'-prefixed fields: ${key} is not valid for storage.`);
      }
    }
  }
}

/** Gives a new document its `_id` (an ObjectId when absent) and puts `_id` first. */
export function prepareForInsert(doc) {
  if (!isPlainObject(doc)) throw new MongoError(ErrorCodes.TypeMismatch, 'Each document to insert must be an object');
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  checkId(doc._id);
  return idFirst(doc);
}

/** The collection a write names, looked up now and created only when something is inserted. */
function writeTarget(ctx, name) {
  const { catalog } = ctx.state;
  return {
    existing: () => catalog.getCollection(ctx.dbName, name),
    create: () => catalog.getOrCreateCollection(ctx.dbName, name),
  };
}

function writeReply(n, writeErrors, extra = {}) {
  const reply = { n, ...extra };
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  reply.ok = 1;
  return reply;
}

function insert(command, ctx) {
  const name = collectionArg(command, 'insert');
  const documents = statementsArg(command, 'documents', 'insert');
  const ordered = command.ordered !== false;
  const bypass = Boolean(command.bypassDocumentValidation);
  const collection = ctx.state.catalog.getOrCreateCollection(ctx.dbName, name);
  let n = 0;
  const writeErrors = [];
  for (let index = 0; index < documents.length; index++) {
    try {
      const doc = prepareForInsert(documents[index]);
      collection.validate(doc, undefined, { bypass });
      collection.insert(doc);
      n += 1;
    } catch (error) {
      writeErrors.push(asMongoError(error).toWriteError(index));
      if (ordered) break;
    }
  }
  ctx.state.opcounters.insert += n;
  return writeReply(n, writeErrors);
}

/** Documents of `collection` matching `filter`: the first one only unless `multi`. */
function matchingDocuments(collection, filter, variables, multi, sort) {
  const query = compileFilter(withoutIdLookup(filter), variables);
  const found = [];
  for (const doc of collection.candidates(filter)) {
    if (!query.test(doc)) continue;
    found.push(doc);
    if (!multi && !sort) break;
  }
  if (sort && found.length > 1) {
    const sorted = sortDocuments(found, sort);
    return multi ? sorted : sorted.slice(0, 1);
  }
  return found;
}

/**
 * Runs one update statement; returns {n, nModified, upsertedId?}. The collection is created only
 * when an upsert inserts into it (an update that matches nothing creates nothing, as in mongod).
 */
function runUpdateStatement(target, statement, commandVariables, bypass) {
  let collection = target.existing();
  const filter = documentArg(statement, 'q', 'update.updates') ?? {};
  const variables = { ...commandVariables, ...evaluateVariables(statement.c) };
  const multi = Boolean(statement.multi);
  const update = compileUpdate(statement.u, { filter, arrayFilters: statement.arrayFilters, variables });
  if (multi && update.kind === 'replacement') {
    throw new MongoError(ErrorCodes.FailedToParse, 'multi update is not supported for replacement-style update');
  }
  checkHint(collection, statement.hint);
  const matches = collection ? matchingDocuments(collection, filter, variables, multi) : [];
  let nModified = 0;
  for (const doc of matches) {
    const { doc: next, changed } = update.apply(doc);
    if (!changed) continue;
    collection.validate(next, doc, { bypass });
    collection.replace(doc, next);
    nModified += 1;
  }
  if (matches.length === 0 && statement.upsert) {
    const doc = buildUpsertDocument(update, filter);
    checkId(doc._id);
    collection = target.create();
    collection.validate(doc, undefined, { bypass });
    collection.insert(doc);
    return { n: 1, nModified: 0, upsertedId: doc._id };
  }
  return { n: matches.length, nModified };
}

function update(command, ctx) {
  const name = collectionArg(command, 'update');
  const statements = statementsArg(command, 'updates', 'update', UPDATE_STATEMENT_FIELDS);
  const ordered = command.ordered !== false;
  const variables = evaluateVariables(command.let);
  const target = writeTarget(ctx, name);
  target.existing(); // a view is refused before any statement runs
  let n = 0;
  let nModified = 0;
  const upserted = [];
  const writeErrors = [];
  for (let index = 0; index < statements.length; index++) {
    try {
      const result = runUpdateStatement(target, statements[index], variables, Boolean(command.bypassDocumentValidation));
      n += result.n;
      nModified += result.nModified;
      if (result.upsertedId !== undefined) upserted.push({ index, _id: result.upsertedId });
    } catch (error) {
      writeErrors.push(asMongoError(error).toWriteError(index));
      if (ordered) break;
    }
  }
  ctx.state.opcounters.update += statements.length;
  return writeReply(n, writeErrors, { nModified, ...(upserted.length ? { upserted } : {}) });
}

/** mongod rejects a bad limit while parsing the command, before deleting anything. */
function checkDeleteLimit(statement) {
  const limit = toNumber(statement.limit ?? 0);
  if (limit !== 0 && limit !== 1) {
    throw new MongoError(ErrorCodes.FailedToParse, `The limit field in delete objects must be 0 or 1. Got ${statement.limit}`);
  }
  return limit;
}

function runDeleteStatement(collection, statement, variables) {
  const filter = documentArg(statement, 'q', 'delete.deletes') ?? {};
  const limit = checkDeleteLimit(statement);
  checkHint(collection, statement.hint);
  let n = 0;
  for (const doc of matchingDocuments(collection, filter, variables, limit === 0)) {
    if (collection.remove(doc)) n += 1;
  }
  return n;
}

function deleteCommand(command, ctx) {
  const name = collectionArg(command, 'delete');
  const statements = statementsArg(command, 'deletes', 'delete', DELETE_STATEMENT_FIELDS);
  statements.forEach(checkDeleteLimit);
  const ordered = command.ordered !== false;
  const variables = evaluateVariables(command.let);
  const collection = ctx.state.catalog.getCollection(ctx.dbName, name);
  let n = 0;
  const writeErrors = [];
  for (let index = 0; index < statements.length; index++) {
    try {
      if (collection) n += runDeleteStatement(collection, statements[index], variables);
      else documentArg(statements[index], 'q', 'delete.deletes');
    } catch (error) {
      writeErrors.push(asMongoError(error).toWriteError(index));
      if (ordered) break;
    }
  }
  ctx.state.opcounters.delete += statements.length;
  return writeReply(n, writeErrors);
}

function findAndModify(command, ctx) {
  const name = collectionArg(command, 'findAndModify' in command ? 'findAndModify' : 'findandmodify');
  const filter = documentArg(command, 'query', 'findAndModify') ?? {};
  const sort = documentArg(command, 'sort', 'findAndModify');
  const fields = documentArg(command, 'fields', 'findAndModify');
  refuseCollation(command.collation);
  const remove = Boolean(command.remove);
  const hasUpdate = command.update !== undefined;
  if (remove && hasUpdate) throw new MongoError(ErrorCodes.FailedToParse, 'Cannot specify both an update and remove=true');
  if (remove && command.upsert) throw new MongoError(ErrorCodes.FailedToParse, 'Cannot specify both upsert=true and remove=true ');
  if (remove && command.new) {
    throw new MongoError(ErrorCodes.FailedToParse, "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document");
  }
  if (!remove && !hasUpdate) throw new MongoError(ErrorCodes.FailedToParse, 'Either an update or remove=true must be specified');
  const variables = evaluateVariables(command.let);
  const project = (doc) => (doc && fields ? projectDocuments([doc], fields, filter, variables)[0] : doc) ?? null;

  const target = writeTarget(ctx, name);
  const collection = target.existing();
  checkHint(collection, command.hint);
  const [found] = collection ? matchingDocuments(collection, filter, variables, false, sort) : [];

  if (remove) {
    ctx.state.opcounters.delete += 1;
    if (!found) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
    collection.remove(found);
    return { lastErrorObject: { n: 1 }, value: project(found), ok: 1 };
  }

  ctx.state.opcounters.update += 1;
  const update = compileUpdate(command.update, { filter, arrayFilters: command.arrayFilters, variables });
  const bypass = Boolean(command.bypassDocumentValidation);
  if (found) {
    const { doc: next, changed } = update.apply(found);
    if (changed) {
      collection.validate(next, found, { bypass });
      collection.replace(found, next);
    }
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: project(command.new ? next : found), ok: 1 };
  }
  if (!command.upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
  const doc = buildUpsertDocument(update, filter);
  checkId(doc._id);
  const created = target.create();
  created.validate(doc, undefined, { bypass });
  created.insert(doc);
  return {
    lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
    value: command.new ? project(doc) : null,
    ok: 1,
  };
}

export const writeCommands = {
  insert,
  update,
  delete: deleteCommand,
  findAndModify,
};
