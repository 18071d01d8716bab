/**
 * The TTL monitor: a background sweep deleting documents whose TTL index date has passed. It
 * runs every `ttlMonitorSleepSecs` (a server parameter, settable at runtime as on mongod); a
 * short tick notices a changed interval without waiting out the old one.
 */
const TICK_MS = 200;

function sweep(state, now) {
  for (const collections of state.catalog.databases.values()) {
    for (const entry of [...collections.values()]) {
      if (!entry.isView) entry.expire(now);
    }
  }
  state.cursors.reap(now);
}

export function startTtlMonitor(state) {
  let lastSweep = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const intervalMs = Math.max(0, Number(state.getParameter('ttlMonitorSleepSecs')) || 0) * 1000;
    if (now - lastSweep < intervalMs || !state.getParameter('ttlMonitorEnabled')) return;
    lastSweep = now;
    sweep(state, now);
  }, TICK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
