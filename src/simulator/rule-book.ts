/**
 * Ordered rules that pick a behaviour for a request, by phone number and/or recipient, for the next
 * N matching requests or a fraction of them. Shared by transport faults and webhook outcomes.
 */
import { z } from 'zod';
import { newRuleId } from './ids.js';
import type { Random } from './random.js';
import { recipientKey } from './recipients.js';

export const RuleSelectorShape = {
  /** Only requests to this business phone number (any when absent). */
  phoneNumberId: z.string().optional(),
  /** Only requests to this recipient, compared as digits (any when absent). */
  recipient: z.string().optional(),
  /** Apply to the next N matching requests, then remove the rule (forever when absent). */
  times: z.number().int().positive().optional(),
  /** Apply to this fraction of matching requests (all when absent). */
  fraction: z.number().min(0).max(1).optional(),
};

export interface RuleSelector {
  phoneNumberId?: string;
  recipient?: string;
  times?: number;
  fraction?: number;
}

export interface Rule<T> {
  readonly id: string;
  readonly phoneNumberId: string | null;
  readonly recipient: string | null;
  readonly fraction: number | null;
  /** Applications left; null = unlimited. */
  remaining: number | null;
  /** How many requests it has affected so far. */
  applied: number;
  readonly action: T;
}

export class RuleBook<T> {
  private rules: Rule<T>[] = [];

  constructor(
    private readonly random: Random,
    private readonly idPrefix: string,
  ) {}

  add(selector: RuleSelector, action: T): Rule<T> {
    const rule: Rule<T> = {
      id: newRuleId(this.idPrefix),
      phoneNumberId: selector.phoneNumberId ?? null,
      recipient: selector.recipient === undefined ? null : recipientKey(selector.recipient),
      fraction: selector.fraction ?? null,
      remaining: selector.times ?? null,
      applied: 0,
      action,
    };
    this.rules.push(rule);
    return rule;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): readonly Rule<T>[] {
    return this.rules;
  }

  /**
   * The first rule that matches and wins its fraction roll; consumes one of its `times`.
   * @param only narrows which actions are considered (e.g. latency apart from outcomes).
   */
  take(phoneNumberId: string, recipient: string | null, only?: (action: T) => boolean): T | undefined {
    if (this.rules.length === 0) return undefined;
    for (const rule of this.rules) {
      if (rule.phoneNumberId !== null && rule.phoneNumberId !== phoneNumberId) continue;
      if (rule.recipient !== null && rule.recipient !== recipient) continue;
      if (only && !only(rule.action)) continue;
      if (rule.fraction !== null && this.random() >= rule.fraction) continue;
      rule.applied += 1;
      if (rule.remaining !== null) {
        rule.remaining -= 1;
        if (rule.remaining === 0) this.remove(rule.id);
      }
      return rule.action;
    }
    return undefined;
  }
}
