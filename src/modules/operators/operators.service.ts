/** Operator accounts of the admin panel: creation (CLI, panel, seeding), changes and password checks (login). */
import bcrypt from 'bcryptjs';
import type { Deps } from '../../deps.js';

const BCRYPT_COST = 12;
export const MIN_PASSWORD_LENGTH = 8;

export type OperatorRole = 'admin' | 'viewer';

/** Emails are stored lower-cased and trimmed (the model does so on write); queries must match. */
const byEmail = (email: string) => ({ email: email.toLowerCase().trim() });

async function hashOf(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) throw new Error(`the password must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  return bcrypt.hash(password, BCRYPT_COST);
}

export function createOperatorsService(deps: Pick<Deps, 'models'>) {
  const { Operator } = deps.models;
  const summary = (operator: { _id: unknown; email: string; role: string }) =>
    ({ operatorId: String(operator._id), email: operator.email, role: operator.role as OperatorRole });

  return {
    async create(email: string, password: string, role: OperatorRole = 'admin') {
      const operator = await Operator.create({ email, passwordHash: await hashOf(password), role });
      return summary(operator);
    },

    /** Creates the first operator from ADMIN_EMAIL/ADMIN_PASSWORD when it does not exist yet. */
    async seed(email: string, password: string) {
      if (await Operator.exists(byEmail(email))) return false;
      try {
        await this.create(email, password, 'admin');
        return true;
      } catch (error) {
        if ((error as { code?: number }).code === 11000) return false; // another process seeded it first
        throw error;
      }
    },

    /** A new role and/or password; null when there is no such operator. */
    async update(filter: { id: string } | { email: string }, changes: { role?: OperatorRole; password?: string }) {
      const set: Record<string, unknown> = {};
      if (changes.role) set.role = changes.role;
      if (changes.password !== undefined) set.passwordHash = await hashOf(changes.password);
      const query = 'id' in filter ? { _id: filter.id } : byEmail(filter.email);
      const operator = Object.keys(set).length
        ? await Operator.findOneAndUpdate(query, { $set: set }, { new: true }).lean()
        : await Operator.findOne(query).lean();
      return operator ? summary(operator) : null;
    },

    async authenticate(email: string, password: string) {
      const operator = await Operator.findOne(byEmail(email)).select('+passwordHash').lean();
      // Compare against a dummy hash when the account does not exist, so timing does not reveal which emails exist.
      const hash = operator?.passwordHash ?? '$2b$12$C6UzMDM.H6dfI/f/IKcEeO5wzjKqBsy7LZ6OQCSg4w/zyYVb0FEGu';
      const ok = await bcrypt.compare(password, hash);
      if (!operator || !ok) return null;
      await Operator.updateOne({ _id: operator._id }, { $set: { lastLoginAt: new Date() } });
      return { id: String(operator._id), email: operator.email, role: operator.role as OperatorRole };
    },
  };
}
