/**
 * Operator roles in the panel: an admin may change things, a viewer may only look. The role is
 * read from the session's operator, which admin/auth/current-operator.ts keeps in step with the
 * database, so a demotion takes effect on the next request.
 */
import type { CurrentAdmin } from 'adminjs';
import type { OperatorRole } from '../../src/modules/operators/operators.service.js';

/** What the session holds about the logged-in operator (no secrets). */
export interface AdminUser extends CurrentAdmin {
  id: string;
  email: string;
  role: OperatorRole;
}

export function canChange(admin: CurrentAdmin | undefined | null): boolean {
  return admin?.role === 'admin';
}
