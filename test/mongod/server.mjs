/**
 * The TCP side: accepts connections on every bind address, splits each stream into wire
 * messages and answers them in order. OP_MSG carries every command; OP_QUERY is answered only
 * for the legacy handshake (mongod 5.1+ refuses other OP_QUERY commands the same way).
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { runCommand } from './dispatch.mjs';
import { ErrorCodes, MongoError } from './errors.mjs';
import {
  decodeOpMsg, decodeOpQuery, encodeOpMsg, encodeOpReply, MessageSplitter, MsgFlags, OpCode, ProtocolError,
} from './wire.mjs';

// Compared in lower case: isMaster, ismaster and hello.
const HANDSHAKE_COMMANDS = new Set(['hello', 'ismaster']);

function handleOpQuery(message, session) {
  const { collection, query } = decodeOpQuery(message);
  const command = query.$query && typeof query.$query === 'object' ? query.$query : query;
  const name = Object.keys(command)[0] ?? '';
  if (!collection.endsWith('.$cmd') || !HANDSHAKE_COMMANDS.has(name.toLowerCase())) {
    return new MongoError(
      ErrorCodes.UnsupportedOpQueryCommand,
      `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade. For more details see https://dochub.mongodb.org/core/legacy-opcode-removal`,
    ).toReply();
  }
  return runCommand({ ...command, $db: collection.slice(0, -'.$cmd'.length) }, session);
}

function encodeSafely(encode, responseTo, reply, log) {
  try {
    return encode(responseTo, reply);
  } catch (error) {
    log.error('NETWORK', 4, 'conn', 'Failed to encode reply', { error: String(error) });
    return encode(responseTo, new MongoError(ErrorCodes.InternalError, `failed to encode reply: ${error.message}`).toReply());
  }
}

function serveConnection(socket, state) {
  const { log } = state;
  const session = {
    state,
    connection: { id: state.nextConnectionId++, remote: `${socket.remoteAddress}:${socket.remotePort}` },
  };
  state.connections.current += 1;
  state.connections.totalCreated += 1;
  log.info('NETWORK', 22943, 'listener', 'Connection accepted', {
    remote: session.connection.remote, connectionId: session.connection.id, connectionCount: state.connections.current,
  });
  socket.setNoDelay(true);
  const splitter = new MessageSplitter();

  socket.on('data', (chunk) => {
    splitter.push(chunk);
    try {
      for (const { requestId, opCode, message } of splitter.messages()) {
        if (opCode === OpCode.MSG) {
          const { flags, command, parseError } = decodeOpMsg(message);
          const reply = parseError ? parseError.toReply() : runCommand(command, session);
          // moreToCome from a client means "do not answer" (unacknowledged, w:0 writes).
          if (!(flags & MsgFlags.moreToCome)) socket.write(encodeSafely(encodeOpMsg, requestId, reply, log));
        } else if (opCode === OpCode.QUERY) {
          socket.write(encodeSafely(encodeOpReply, requestId, handleOpQuery(message, session), log));
        } else {
          throw new ProtocolError(`unsupported opcode ${opCode}${opCode === OpCode.COMPRESSED ? ' (compression was not negotiated)' : ''}`);
        }
      }
    } catch (error) {
      log.warn('NETWORK', 22988, `conn${session.connection.id}`, 'Error receiving request from client. Ending connection from remote', {
        error: String(error.message ?? error), remote: session.connection.remote,
      });
      socket.destroy();
    }
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    state.connections.current -= 1;
    log.info('NETWORK', 22944, `conn${session.connection.id}`, 'Connection ended', {
      remote: session.connection.remote, connectionId: session.connection.id, connectionCount: state.connections.current,
    });
  });
}

/** The distinct addresses behind the bind list (`127.0.0.1,localhost` is one address, not two). */
async function resolveBindAddresses(bindIps) {
  const addresses = new Set();
  for (const host of bindIps) {
    if (net.isIP(host)) addresses.add(host);
    else for (const { address } of await lookup(host, { all: true })) addresses.add(address);
  }
  return [...addresses];
}

/**
 * Listens on every address; resolves once all listen, rejects with the first listen error.
 * @returns {Promise<{close(): Promise<void>}>}
 */
export async function listen(state, { port, bindIps }) {
  const sockets = new Set();
  const addresses = await resolveBindAddresses(bindIps);
  const servers = await Promise.all(addresses.map((host) => new Promise((resolve, reject) => {
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      serveConnection(socket, state);
    });
    server.once('error', reject);
    server.listen({ port, host }, () => resolve(server));
  })));
  return {
    close: () => {
      for (const socket of sockets) socket.destroy();
      return Promise.all(servers.map((server) => new Promise((resolve) => server.close(() => resolve())))).then(() => {});
    },
  };
}
