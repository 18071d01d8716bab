/**
 * Business Use Case rate limiting of management calls, per WABA per hour: the
 * `X-Business-Use-Case-Usage` header on every answer (percentages of the limit) and error 80007
 * once the limit is spent (meta-cloud-api.md §3.3).
 */
import type { SimulatorContext } from './context.js';
import { metaError, type MetaError } from './meta-errors.js';

const HOUR_MS = 3_600_000;

export interface UsageVerdict {
  readonly headers: Record<string, string>;
  readonly error: MetaError | null;
}

export function countManagementCall(ctx: SimulatorContext, wabaId: string): UsageVerdict {
  const now = ctx.now();
  let usage = ctx.managementUsage.get(wabaId);
  if (!usage || now - usage.windowStart >= HOUR_MS) {
    usage = { windowStart: now, calls: 0 };
    ctx.managementUsage.set(wabaId, usage);
  }
  usage.calls += 1;
  const limit = ctx.limits.managementCallsPerHour;
  const percent = Math.min(100, Math.floor((usage.calls * 100) / limit));
  const exceeded = usage.calls > limit;
  const minutesLeft = exceeded ? Math.ceil((usage.windowStart + HOUR_MS - now) / 60_000) : 0;
  const headers = {
    'x-business-use-case-usage': JSON.stringify({
      [wabaId]: [
        {
          type: 'whatsapp_business_management',
          call_count: percent,
          total_cputime: Math.min(100, Math.floor(percent / 4)),
          total_time: Math.min(100, Math.floor(percent / 2)),
          estimated_time_to_regain_access: minutesLeft,
        },
      ],
    }),
    'x-app-usage': JSON.stringify({ call_count: 0, total_cputime: 0, total_time: 0 }),
  };
  return { headers, error: exceeded ? metaError(80007) : null };
}
