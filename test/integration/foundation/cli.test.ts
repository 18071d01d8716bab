/**
 * The operator CLI as an operator runs it: JSON on stdout, a sentence on stderr and exit code 1
 * when something is wrong. Here: getting back into the panel after a forgotten password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperatorsService } from '../../../src/modules/operators/operators.service.js';
import { createTestDeps, testEnv, uniqueName, type TestDeps } from '../../helpers/build-app.js';
import { runEntry } from '../../helpers/processes.js';

const env = testEnv();
env.MONGO_URL = `${env.MONGO_URL}${uniqueName('cli')}`;
let t: TestDeps;

async function cli(...args: string[]) {
  const run = runEntry('src/cli/main.ts', env, args);
  const { code } = await run.exited;
  return { code, output: run.output() };
}

beforeAll(async () => {
  t = await createTestDeps({ MONGO_URL: env.MONGO_URL }, { shared: true });
});
afterAll(async () => {
  await t?.close();
});

describe('npm run cli -- operators:set-password', () => {
  it('gives an operator a new password, and the old one stops working', async () => {
    const created = await cli('operators:create', '--email', 'Night.Ops@example.com', '--password', 'first-password');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.output)).toMatchObject({ email: 'night.ops@example.com', role: 'admin' });

    const reset = await cli('operators:set-password', '--email', 'night.ops@example.com', '--password', 'second-password');
    expect(reset.code).toBe(0);
    expect(JSON.parse(reset.output)).toEqual({ operatorId: expect.any(String), email: 'night.ops@example.com', role: 'admin' });
    expect(reset.output).not.toContain('second-password');

    const operators = createOperatorsService(t.deps);
    expect(await operators.authenticate('night.ops@example.com', 'first-password')).toBeNull();
    expect(await operators.authenticate('night.ops@example.com', 'second-password')).toMatchObject({ role: 'admin' });
  });

  it('says what is wrong and changes nothing: an unknown email, a short password, a missing flag', async () => {
    const unknown = await cli('operators:set-password', '--email', 'nobody@example.com', '--password', 'long-enough');
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain('error: no operator has the email nobody@example.com');

    await cli('operators:create', '--email', 'short@example.com', '--password', 'kept-password');
    const short = await cli('operators:set-password', '--email', 'short@example.com', '--password', 'tiny');
    expect(short.code).toBe(1);
    expect(short.output).toContain('error: the password must be at least 8 characters long');
    expect(await createOperatorsService(t.deps).authenticate('short@example.com', 'kept-password')).not.toBeNull();

    const missing = await cli('operators:set-password', '--email', 'short@example.com');
    expect(missing.code).toBe(1);
    expect(missing.output).toContain('error: --password is required');
  });
});
