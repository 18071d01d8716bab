/**
 * Routes a command document to its handler and turns failures into mongod's error replies.
 * Transactions are refused up front: a standalone mongod refuses them too (IllegalOperation),
 * and the stand-in has no multi-document atomicity to offer.
 */
import { aggregateCommands } from './commands-aggregate.mjs';
import { adminCommands } from './commands-admin.mjs';
import { ddlCommands } from './commands-ddl.mjs';
import { indexCommands } from './commands-index.mjs';
import { readCommands } from './commands-read.mjs';
import { writeCommands } from './commands-write.mjs';
import { asMongoError, ErrorCodes, MongoError } from './errors.mjs';

const HANDLERS = {
  ...adminCommands,
  ...ddlCommands,
  ...indexCommands,
  ...readCommands,
  ...writeCommands,
  ...aggregateCommands,
};

/** Lower-case spellings mongod also accepts. */
const ALIASES = {
  ismaster: 'isMaster',
  findandmodify: 'findAndModify',
  buildinfo: 'buildInfo',
  dbstats: 'dbStats',
  collstats: 'collStats',
  hostinfo: 'hostInfo',
  serverstatus: 'serverStatus',
  listcollections: 'listCollections',
};

const TRANSACTION_COMMANDS = new Set(['commitTransaction', 'abortTransaction']);

export const COMMAND_NAMES = Object.keys(HANDLERS);

function refuseTransactions(name, command) {
  if (TRANSACTION_COMMANDS.has(name) || command.startTransaction !== undefined || command.autocommit !== undefined) {
    throw new MongoError(ErrorCodes.IllegalOperation, 'Transaction numbers are only allowed on a replica set member or mongos; the MongoDB stand-in (test/mongod) does not support transactions');
  }
  if (command.txnNumber !== undefined) {
    throw new MongoError(ErrorCodes.IllegalOperation, 'Transaction numbers are only allowed on a replica set member or mongos; the MongoDB stand-in (test/mongod) does not support retryable writes or transactions');
  }
}

/**
 * @param {object} command the command document (OP_MSG body with sequences merged in)
 * @param {{state: import('./server-state.mjs').ServerState, connection: {id: number, remote: string}}} session
 * @returns {object} the reply document
 */
export function runCommand(command, session) {
  const name = Object.keys(command)[0];
  const dbName = typeof command.$db === 'string' ? command.$db : 'admin';
  try {
    if (name === undefined) throw new MongoError(ErrorCodes.FailedToParse, 'Command document is empty');
    refuseTransactions(name, command);
    const handler = HANDLERS[name] ?? HANDLERS[ALIASES[name]];
    if (!handler) throw new MongoError(ErrorCodes.CommandNotFound, `no such command: '${name}'`);
    if (!['insert', 'update', 'delete', 'find', 'getMore'].includes(name)) session.state.opcounters.command += 1;
    return handler(command, { ...session, dbName }, ALIASES[name] ?? name);
  } catch (error) {
    const mongoError = asMongoError(error);
    if (!(error instanceof MongoError)) session.state.log?.debug('command failed inside the stand-in', { command: name, error: String(error?.stack ?? error) });
    return mongoError.toReply();
  }
}
