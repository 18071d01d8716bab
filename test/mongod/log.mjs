/**
 * mongod's structured (JSON, one object per line) log format, written to stdout. Launchers such
 * as mongodb-memory-server wait for the "Waiting for connections" line and scan for failures.
 */
const SEVERITY = { info: 'I', warn: 'W', error: 'E', debug: 'D1' };

function timestamp() {
  // mongod writes local ISO-8601 with an explicit offset; UTC keeps it simple and valid.
  return new Date().toISOString().replace('Z', '+00:00');
}

export function createLog({ verbosity = 0, write = (line) => process.stdout.write(line) } = {}) {
  const emit = (level, component, id, ctx, msg, attr) => {
    if (level === 'debug' && verbosity < 1) return;
    const entry = { t: { $date: timestamp() }, s: SEVERITY[level], c: component, id, ctx, msg };
    if (attr && Object.keys(attr).length > 0) entry.attr = attr;
    write(`${JSON.stringify(entry)}\n`);
  };
  return {
    info: (component, id, ctx, msg, attr) => emit('info', component, id, ctx, msg, attr),
    warn: (component, id, ctx, msg, attr) => emit('warn', component, id, ctx, msg, attr),
    error: (component, id, ctx, msg, attr) => emit('error', component, id, ctx, msg, attr),
    /** Free-form diagnostics (only with -v): stand-in internals, not a mongod message. */
    debug: (msg, attr) => emit('debug', 'COMMAND', 0, 'conn', msg, attr),
  };
}
