/**
 * Commands about the server rather than data: the handshake (hello/isMaster), buildInfo,
 * parameters, status reports, sessions. Answers carry the fields drivers and Mongoose read.
 */
import os from 'node:os';
import { ErrorCodes, MongoError } from './errors.mjs';
import {
  buildInfo, LOGICAL_SESSION_TIMEOUT_MINUTES, MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE_BYTES, MAX_WIRE_VERSION,
  MAX_WRITE_BATCH_SIZE, VERSION,
} from './server-info.mjs';
import { UUID } from 'bson';
import { randomUUID } from 'node:crypto';

function hello(command, ctx, name) {
  const legacy = name !== 'hello';
  return {
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    ...(command.helloOk ? { helloOk: true } : {}),
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: LOGICAL_SESSION_TIMEOUT_MINUTES,
    connectionId: ctx.connection.id,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

function getParameter(command, ctx) {
  const { state } = ctx;
  const wantAll = command.getParameter === '*' || command.getParameter?.allParameters === true;
  const names = wantAll
    ? Object.keys(state.parameters)
    : Object.keys(command).filter((key) => key !== 'getParameter' && !key.startsWith('$') && key !== 'lsid' && key !== 'comment');
  const reply = {};
  for (const name of names) {
    if (!(name in state.parameters)) continue;
    reply[name] = state.getParameter(name);
  }
  if (Object.keys(reply).length === 0) throw new MongoError(ErrorCodes.InvalidOptions, 'no option found to get');
  return { ...reply, ok: 1 };
}

function setParameter(command, ctx) {
  const names = Object.keys(command).filter((key) => key !== 'setParameter' && !key.startsWith('$') && !['lsid', 'comment', 'writeConcern'].includes(key));
  if (names.length === 0) throw new MongoError(ErrorCodes.NoSuchKey, 'no option found to set, use help:true to see options ');
  let was;
  for (const name of names) was = ctx.state.setParameter(name, command[name]);
  return { was, ok: 1 };
}

function hostInfo() {
  return {
    system: {
      currentTime: new Date(),
      hostname: os.hostname(),
      cpuAddrSize: 64,
      memSizeMB: Math.round(os.totalmem() / 1048576),
      memLimitMB: Math.round(os.totalmem() / 1048576),
      numCores: os.cpus().length,
      cpuArch: os.arch(),
      numaEnabled: false,
    },
    os: { type: os.type(), name: os.type(), version: os.release() },
    extra: {},
    ok: 1,
  };
}

function serverStatus(_command, ctx) {
  const { state } = ctx;
  const uptimeMillis = Date.now() - state.startedAt;
  const memory = process.memoryUsage();
  return {
    host: os.hostname(),
    version: VERSION,
    process: 'mongod',
    pid: process.pid,
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis,
    uptimeEstimate: Math.floor(uptimeMillis / 1000),
    localTime: new Date(),
    connections: { current: state.connections.current, available: 838860, totalCreated: state.connections.totalCreated, active: 1 },
    opcounters: { ...state.opcounters },
    mem: { bits: 64, resident: Math.round(memory.rss / 1048576), virtual: Math.round(memory.rss / 1048576), supported: true },
    storageEngine: { name: 'inMemory', supportsCommittedReads: true, persistent: false },
    metrics: { cursor: { open: { total: state.cursors.cursors.size } } },
    ok: 1,
  };
}

function startSession() {
  return { id: { id: new UUID(randomUUID()) }, timeoutMinutes: LOGICAL_SESSION_TIMEOUT_MINUTES, ok: 1 };
}

function shutdown(_command, ctx) {
  if (ctx.dbName !== 'admin') throw new MongoError(ErrorCodes.Unauthorized, 'shutdown may only be run against the admin database.');
  setImmediate(() => ctx.state.requestShutdown('shutdown command'));
  return { ok: 1 };
}

const ok = () => ({ ok: 1 });

export const adminCommands = {
  hello: (command, ctx) => hello(command, ctx, 'hello'),
  isMaster: (command, ctx) => hello(command, ctx, 'isMaster'),
  ping: ok,
  buildInfo: () => ({ ...buildInfo(), ok: 1 }),
  getParameter,
  setParameter,
  hostInfo,
  serverStatus,
  connectionStatus: (command) => ({
    authInfo: {
      authenticatedUsers: [],
      authenticatedUserRoles: [],
      ...(command.showPrivileges ? { authenticatedUserPrivileges: [] } : {}),
    },
    ok: 1,
  }),
  whatsmyuri: (_command, ctx) => ({ you: ctx.connection.remote, ok: 1 }),
  getCmdLineOpts: (_command, ctx) => ({ argv: ctx.state.argv, parsed: ctx.state.parsedOptions, ok: 1 }),
  getLog: (command) => (command.getLog === '*' ? { names: ['global', 'startupWarnings'], ok: 1 } : { totalLinesWritten: 0, log: [], ok: 1 }),
  startSession,
  endSessions: ok,
  killSessions: ok,
  killAllSessions: ok,
  killAllSessionsByPattern: ok,
  refreshSessions: ok,
  logout: ok,
  setFeatureCompatibilityVersion: ok,
  replSetGetStatus: () => {
    throw new MongoError(ErrorCodes.NoReplicationEnabled, 'not running with --replSet');
  },
  shutdown,
};
