#!/usr/bin/env node
/**
 * A MongoDB-compatible server for tests and development on machines without a mongod binary
 * (contract §7). It speaks the wire protocol drivers use and keeps data in memory; anything that
 * can start a mongod (mongodb-memory-server, a shell) can start it with mongod's own flags:
 *
 *   test/mongod/mongod.mjs --port 27017 --bind_ip 127.0.0.1 [--dbpath dir] [--storageEngine x] [--noauth]
 *
 * `--dbpath` is accepted and left untouched: nothing is persisted.
 */
import { parseArgs, UsageError } from './cli-options.mjs';
import { createLog } from './log.mjs';
import { listen } from './server.mjs';
import { buildInfo, VERSION } from './server-info.mjs';
import { ServerState } from './server-state.mjs';
import { startTtlMonitor } from './ttl-monitor.mjs';

const USAGE = `Usage: mongod.mjs [--port N] [--bind_ip host[,host]] [--bind_ip_all] [--dbpath dir] [--storageEngine name] [--noauth] [-v] [--version]
An in-memory MongoDB ${VERSION} stand-in for tests (no replication, authentication or transactions).
`;

function printVersion() {
  const info = buildInfo();
  process.stdout.write(`db version v${VERSION}\nBuild Info: ${JSON.stringify({
    version: info.version,
    gitVersion: info.gitVersion,
    modules: info.modules,
    allocator: info.allocator,
    environment: info.buildEnvironment,
  }, null, 4)}\n`);
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  if (options.version) {
    printVersion();
    return;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }

  const log = createLog({ verbosity: options.verbosity });
  const state = new ServerState({ argv: process.argv.slice(1), parsedOptions: options.parsed, log });
  log.info('CONTROL', 4615611, 'initandlisten', 'MongoDB starting', {
    pid: process.pid, port: options.port, dbPath: options.dbpath ?? null, architecture: '64-bit', host: 'stand-in',
  });
  log.info('CONTROL', 23403, 'initandlisten', 'Build Info', { buildInfo: { version: VERSION, stand_in: 'test/mongod/mongod.mjs (in-memory, bson + mingo)' } });

  let listener;
  try {
    listener = await listen(state, { port: options.port, bindIps: options.bindIps });
  } catch (error) {
    const errmsg = error.code === 'EADDRINUSE' ? 'Address already in use' : String(error.message);
    log.error('NETWORK', 23024, 'initandlisten', 'Error setting up listener', {
      error: { code: 9001, codeName: 'SocketException', errmsg },
    });
    process.exit(error.code === 'EADDRINUSE' ? 48 : 1);
  }
  const ttlMonitor = startTtlMonitor(state);
  for (const address of options.bindIps) log.info('NETWORK', 23015, 'listener', 'Listening on', { address });
  log.info('NETWORK', 23016, 'listener', 'Waiting for connections', { port: options.port, ssl: 'off' });

  let stopping = false;
  const shutdown = async (reason) => {
    if (stopping) return;
    stopping = true;
    log.info('CONTROL', 23377, 'SignalHandler', 'Received signal', { signal: reason });
    ttlMonitor.stop();
    await listener.close();
    log.info('CONTROL', 20565, 'SignalHandler', 'Now exiting');
    log.info('CONTROL', 23138, 'SignalHandler', 'Shutting down', { exitCode: 0 });
    process.exit(0);
  };
  state.requestShutdown = shutdown;
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // A launcher that goes away closes our stdout: there is no one left to serve.
  process.stdout.on('error', () => shutdown('stdout closed'));
}

main().catch((error) => {
  process.stderr.write(`mongod stand-in failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
