import { defineConfig } from 'vitest/config';

const shared = {
  // Each file gets its own process, database and Redis key prefix, so files run in parallel.
  pool: 'forks' as const,
  // Most files wait on timers, rate limits and other processes rather than on the CPU: two at a
  // time even on a two-core machine (vitest's default there would be one).
  maxWorkers: 2,
  testTimeout: 30_000,
  hookTimeout: 60_000,
  teardownTimeout: 30_000,
  env: { NODE_ENV: 'test' },
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      {
        test: {
          ...shared,
          name: 'integration',
          sequence: { groupOrder: 0 },
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          // Starts an isolated redis-server and a MongoDB for the run (contract §7).
          globalSetup: ['test/setup/global-setup.ts'],
        },
      },
      {
        test: {
          ...shared,
          // Measurements against the simulator's clock: run alone, after everything else, so
          // other test files do not starve the machine's two cores while they measure.
          name: 'timing',
          include: ['test/timing/**/*.test.ts'],
          globalSetup: ['test/setup/global-setup.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          // A measurement on a shared two-core machine can be disturbed by the scheduler; a real
          // over-send shows up on every attempt, a descheduled process on one.
          retry: 2,
        },
      },
      {
        test: {
          ...shared,
          // A 100,000-recipient campaign sent in full: minutes of CPU, so alone, after the rest.
          name: 'volume',
          include: ['test/volume/**/*.test.ts'],
          globalSetup: ['test/setup/global-setup.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
