/**
 * mongod's command line as launchers use it. Known flags are parsed, unknown ones ignored (with
 * their value, when one follows), and options the stand-in cannot honour are refused clearly.
 */
const VALUE_FLAGS = new Set(['port', 'bind_ip', 'dbpath', 'storageEngine', 'logpath', 'config', 'setParameter', 'replSet', 'keyFile', 'wiredTigerCacheSizeGB', 'oplogSize', 'auditDestination']);

/** Flags the stand-in refuses, with the reason it gives. */
const REFUSED = {
  replSet: 'it is a standalone server and cannot be a replica set member; use a real mongod (MONGOMS_SYSTEM_BINARY or MONGO_URL) for replica-set tests',
  auth: 'it has no authentication; start it with --noauth (the default) or use a real mongod',
  keyFile: 'it has no authentication or replication; use a real mongod',
  shardsvr: 'it cannot be part of a sharded cluster',
  configsvr: 'it cannot be part of a sharded cluster',
};

export class UsageError extends Error {}

/**
 * @param {string[]} argv process.argv.slice(2)
 * @returns {{version: boolean, help: boolean, port: number, bindIps: string[], dbpath?: string,
 *   storageEngine?: string, verbosity: number, parsed: object}}
 */
export function parseArgs(argv) {
  const options = { version: false, help: false, port: 27017, bindIps: ['127.0.0.1'], verbosity: 0, parsed: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (/^-v+$/.test(arg)) {
      options.verbosity = arg.length - 1;
      continue;
    }
    if (!arg.startsWith('--')) continue;
    let [name, value] = arg.slice(2).split(/=(.*)/s, 2);
    if (value === undefined && (VALUE_FLAGS.has(name) || (!argv[i + 1]?.startsWith('-') && argv[i + 1] !== undefined && !isKnownSwitch(name)))) {
      value = argv[i + 1];
      i += 1;
    }
    if (REFUSED[name]) {
      throw new UsageError(`The MongoDB stand-in (test/mongod/mongod.mjs) does not support --${name}${value ? ` ${value}` : ''}: ${REFUSED[name]}.`);
    }
    switch (name) {
      case 'version': options.version = true; break;
      case 'help': options.help = true; break;
      case 'port': {
        const port = Number(value);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`Invalid value for --port: ${value}`);
        options.port = port;
        break;
      }
      case 'bind_ip':
        options.bindIps = String(value).split(',').map((host) => host.trim()).filter(Boolean);
        break;
      case 'bind_ip_all': options.bindIps = ['0.0.0.0']; break;
      case 'dbpath': options.dbpath = value; break;
      case 'storageEngine': options.storageEngine = value; break;
      case 'quiet': options.verbosity = -1; break;
      default: break;
    }
    options.parsed[name] = value ?? true;
  }
  return options;
}

/** Switches mongod knows take no value, so a following positional word is not theirs. */
function isKnownSwitch(name) {
  return ['version', 'help', 'noauth', 'bind_ip_all', 'ipv6', 'quiet', 'nounixsocket', 'journal', 'nojournal', 'fork', 'enableMajorityReadConcern'].includes(name);
}
