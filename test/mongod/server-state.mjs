/**
 * Everything one stand-in process shares between connections: the catalog, open cursors,
 * server parameters (getParameter/setParameter) and the counters serverStatus reports.
 */
import { Catalog } from './catalog.mjs';
import { CursorRegistry } from './cursors.mjs';
import { ErrorCodes, MongoError } from './errors.mjs';

/** Server parameters the stand-in knows: current value, and whether setParameter may change it. */
function defaultParameters() {
  return {
    // mongod's default is 60 s; a test server sweeps every second so TTL tests stay fast.
    ttlMonitorSleepSecs: { value: 1, settable: true, type: 'number' },
    ttlMonitorEnabled: { value: true, settable: true, type: 'boolean' },
    cursorTimeoutMillis: { value: 600000, settable: true, type: 'number' },
    logLevel: { value: 0, settable: true, type: 'number' },
    quiet: { value: false, settable: true, type: 'boolean' },
    notablescan: { value: false, settable: true, type: 'boolean' },
    transactionLifetimeLimitSeconds: { value: 60, settable: true, type: 'number' },
    requireApiVersion: { value: false, settable: true, type: 'boolean' },
    featureCompatibilityVersion: { value: { version: '7.0' }, settable: false },
    authenticationMechanisms: { value: ['SCRAM-SHA-1', 'SCRAM-SHA-256'], settable: false },
  };
}

export class ServerState {
  constructor({ argv = [], parsedOptions = {}, log }) {
    this.catalog = new Catalog();
    this.cursors = new CursorRegistry();
    this.startedAt = Date.now();
    this.argv = argv;
    this.parsedOptions = parsedOptions;
    this.log = log;
    this.parameters = defaultParameters();
    this.connections = { current: 0, totalCreated: 0 };
    this.opcounters = { insert: 0, query: 0, update: 0, delete: 0, getmore: 0, command: 0 };
    this.nextConnectionId = 1;
    /** Set by the process entry point; the shutdown command calls it. */
    this.requestShutdown = () => {};
  }

  getParameter(name) {
    return this.parameters[name]?.value;
  }

  /** Returns the previous value; rejects unknown and read-only parameters as mongod does. */
  setParameter(name, value) {
    const parameter = this.parameters[name];
    if (!parameter) {
      throw new MongoError(ErrorCodes.InvalidOptions, `attempted to set unrecognized parameter [${name}], use help:true to see options `);
    }
    if (!parameter.settable) {
      throw new MongoError(ErrorCodes.IllegalOperation, `not allowed to change [${name}] at runtime`);
    }
    const coerced = parameter.type === 'number' ? Number(value) : parameter.type === 'boolean' ? Boolean(value) : value;
    if (parameter.type === 'number' && !Number.isFinite(coerced)) {
      throw new MongoError(ErrorCodes.BadValue, `Invalid value for parameter ${name}: ${value}`);
    }
    const was = parameter.value;
    parameter.value = coerced;
    return was;
  }
}
