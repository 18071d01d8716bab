/**
 * `npm run bench`: every benchmark, one after another (they would skew each other in parallel),
 * into one table and `bench/report.json` with the machine, the MongoDB in use and the date.
 * Numbers, not assertions. `--only sending,webhooks` runs a subset.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { startMongo } from '../test/support/mongo-server.js';
import type { BenchResult } from './support.js';

interface Suite {
  name: string;
  run(): Promise<BenchResult[]>;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const importRun = (file: string) => async () => ((await import(`./${file}`)) as { run(): Promise<BenchResult[]> }).run();

/** The simulator bench measures a separate process and prints JSON; it runs as a script. */
async function simulatorSuite(): Promise<BenchResult[]> {
  const output = execFileSync(process.execPath, ['--import', 'tsx', `${here}simulator.bench.ts`], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const report = JSON.parse(output.slice(output.indexOf('{')));
  return [
    { name: 'simulator CPU per 1,000 sends at 1,000 sends/s (with 3 webhooks each)', value: report.paced.simulatorCpuMsPer1000Sends.total, unit: 'ms' },
    { name: 'simulator ceiling, unpaced, 64 connections', value: report.unpaced.sendsPerSecond, unit: 'sends/s' },
  ];
}

const SUITES: Suite[] = [
  { name: 'sending', run: importRun('sending.bench.ts') },
  { name: 'load', run: importRun('load.bench.ts') },
  { name: 'webhooks', run: importRun('webhooks.bench.ts') },
  { name: 'events', run: importRun('events.bench.ts') },
  { name: 'csv', run: importRun('csv.bench.ts') },
  { name: 'mongo', run: importRun('mongo.bench.ts') },
  { name: 'simulator', run: simulatorSuite },
];

async function main() {
  const onlyIndex = process.argv.indexOf('--only');
  const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1].split(',') : undefined;
  const probe = await startMongo();
  const mongo = { kind: probe.kind, reason: probe.reason };
  await probe.stop();

  const rows: Array<BenchResult & { suite: string }> = [];
  for (const suite of SUITES.filter((entry) => !only || only.includes(entry.name))) {
    process.stdout.write(`running ${suite.name}…\n`);
    const started = Date.now();
    try {
      for (const result of await suite.run()) rows.push({ suite: suite.name, ...result });
    } catch (error) {
      rows.push({ suite: suite.name, name: 'failed', value: Number.NaN, unit: '', note: (error as Error).message.split('\n')[0] });
    }
    process.stdout.write(`  done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }

  const report = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
    mongo,
    results: rows,
  };
  writeFileSync(`${here}report.json`, `${JSON.stringify(report, null, 2)}\n`);

  console.log(`\n${report.date} · ${report.machine.cpus} × ${report.machine.cpuModel} · ${report.machine.memoryGiB} GiB · Node ${report.machine.node} · MongoDB: ${mongo.kind}\n`);
  console.log('| suite | measure | value | unit | note |');
  console.log('|---|---|---:|---|---|');
  for (const row of rows) console.log(`| ${row.suite} | ${row.name} | ${row.value} | ${row.unit} | ${row.note ?? ''} |`);
  console.log('\nwritten: bench/report.json');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
