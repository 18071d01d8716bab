/** Operator accounts of the admin panel: creation (CLI, seeding) and password checks (login). */
import bcrypt from 'bcryptjs';
import type { Deps } from '../../deps.js';

const BCRYPT_COST = 12;

export type OperatorRole = 'admin' | 'viewer';

export function createOperatorsService(deps: Pick<Deps, 'models'>) {
  const { Operator } = deps.models;
  return {
    async create(email: string, password: string, role: OperatorRole = 'admin') {
      if (password.length < 8) throw new Error('the password must be at least 8 characters long');
      const passwordHash = await bcrypt.hash(password, BCRYPT_COST);
      const operator = await Operator.create({ email, passwordHash, role });
      return { operatorId: String(operator._id), email: operator.email, role: operator.role };
    },

    /** Creates the first operator from ADMIN_EMAIL/ADMIN_PASSWORD when it does not exist yet. */
    async seed(email: string, password: string) {
      if (await Operator.exists({ email: email.toLowerCase() })) return false;
      try {
        await this.create(email, password, 'admin');
        return true;
      } catch (error) {
        if ((error as { code?: number }).code === 11000) return false; // another process seeded it first
        throw error;
      }
    },

    async authenticate(email: string, password: string) {
      const operator = await Operator.findOne({ email: email.toLowerCase().trim() }).select('+passwordHash').lean();
      // Compare against a dummy hash when the account does not exist, so timing does not reveal which emails exist.
      const hash = operator?.passwordHash ?? '$2b$12$C6UzMDM.H6dfI/f/IKcEeO5wzjKqBsy7LZ6OQCSg4w/zyYVb0FEGu';
      const ok = await bcrypt.compare(password, hash);
      if (!operator || !ok) return null;
      await Operator.updateOne({ _id: operator._id }, { $set: { lastLoginAt: new Date() } });
      return { id: String(operator._id), email: operator.email, role: operator.role as OperatorRole };
    },
  };
}
