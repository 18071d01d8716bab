/**
 * The first operator account, at start-up of the API and of `npm run dev`: seeded from
 * ADMIN_EMAIL/ADMIN_PASSWORD when set; in development without them, generated (with a random
 * password printed once) when no operator exists yet. Never imports AdminJS, so it is cheap.
 */
import { randomBytes } from 'node:crypto';
import type { Deps } from '../src/deps.js';
import { createOperatorsService } from '../src/modules/operators/operators.service.js';

export const DEV_ADMIN_EMAIL = 'admin@localhost';

export interface AdminLogin {
  /** The login to show, or null when no operator exists and none could be made. */
  email: string | null;
  /** Only for a password generated right now; a configured one is never echoed. */
  generatedPassword?: string;
  /** What to tell the person starting the process. */
  note: string;
}

export async function seedFirstOperator(deps: Pick<Deps, 'config' | 'models'>, options: { generateWhenUnset: boolean }): Promise<AdminLogin> {
  const operators = createOperatorsService(deps);
  const { adminEmail, adminPassword } = deps.config;
  if (adminEmail && adminPassword) {
    const created = await operators.seed(adminEmail, adminPassword);
    return { email: adminEmail, note: created ? 'seeded from ADMIN_EMAIL / ADMIN_PASSWORD' : 'password as set in ADMIN_PASSWORD (or as changed since)' };
  }
  const existing = await deps.models.Operator.findOne({}, { email: 1 }).sort({ _id: 1 }).lean();
  if (existing) return { email: existing.email, note: 'an existing operator; its password is not shown' };
  if (!options.generateWhenUnset) {
    return { email: null, note: 'no operator exists: set ADMIN_EMAIL and ADMIN_PASSWORD, or run npm run cli -- operators:create --email <e> --password <p>' };
  }
  const password = randomBytes(12).toString('base64url');
  await operators.create(DEV_ADMIN_EMAIL, password, 'admin');
  return { email: DEV_ADMIN_EMAIL, generatedPassword: password, note: 'generated for this development database; set ADMIN_EMAIL and ADMIN_PASSWORD to choose your own' };
}

/** One line for a terminal: where the panel is and how to get in. */
export function describeAdminLogin(adminUrl: string, login: AdminLogin): string {
  if (!login.email) return `Admin:    ${adminUrl}  (${login.note})`;
  const password = login.generatedPassword ? `  password: ${login.generatedPassword}` : '';
  return `Admin:    ${adminUrl}  login: ${login.email}${password}  (${login.note})`;
}
