import { describe, expect, it } from 'vitest';
import { classifyMetaError, isRetryableLater } from '../../src/meta/classify.js';
import { phoneFieldsFor } from '../../src/meta/graph-client.js';
import { normalizePhone } from '../../src/lib/phone.js';
import { tierLimit } from '../../src/sending/tier.js';

describe('phone number fields by Graph API version', () => {
  it('asks v24+ for the new messaging-limit field and older versions for the old one', () => {
    expect(phoneFieldsFor('v25.0')).toContain('whatsapp_business_manager_messaging_limit');
    expect(phoneFieldsFor('v25.0')).not.toContain('messaging_limit_tier');
    expect(phoneFieldsFor('v23.0')).toContain('messaging_limit_tier');
    expect(phoneFieldsFor('v23.0')).not.toContain('whatsapp_business_manager_messaging_limit');
  });
});

describe('Meta error classification (meta-cloud-api.md §2)', () => {
  it.each([
    [131000, undefined, 500, 'transient'], [133004, undefined, 503, 'transient'], [1, undefined, 400, 'transient'],
    [4, undefined, 400, 'rate_app'], [80007, undefined, 400, 'rate_waba'], [130429, undefined, 400, 'rate_phone'],
    [131048, undefined, 400, 'quality_phone'], [131056, undefined, 400, 'rate_pair'],
    [131026, undefined, 400, 'recipient'], [131049, undefined, 400, 'recipient'], [131050, undefined, 400, 'recipient'],
    [130497, undefined, 403, 'recipient'], [132000, undefined, 400, 'template'], [132001, undefined, 404, 'template'],
    [132015, undefined, 400, 'template'], [132016, undefined, 400, 'template'], [100, undefined, 400, 'template'],
    [100, 33, 400, 'account'], [190, 463, 401, 'account'], [0, undefined, 401, 'account'], [10, undefined, 403, 'account'],
    [250, undefined, 403, 'account'], [368, undefined, 403, 'account'], [131042, undefined, 400, 'account'],
    [133010, undefined, 400, 'account'], [999999, undefined, 502, 'transient'], [999999, undefined, 400, 'template'],
  ])('code %i (subcode %s, HTTP %i) → %s', (code, subcode, http, kind) => {
    expect(classifyMetaError(code, subcode, http)).toBe(kind);
  });

  it('knows what is worth retrying later', () => {
    expect(isRetryableLater(131000)).toBe(true);
    expect(isRetryableLater(131049)).toBe(true);
    expect(isRetryableLater(131026)).toBe(true);
    expect(isRetryableLater(131021)).toBe(false);
    expect(isRetryableLater(132001)).toBe(false);
    expect(isRetryableLater(131050)).toBe(false);
  });
});

describe('phone numbers', () => {
  it.each([
    ['+55 11 99999-0001', '5511999990001'], ['0044 20 7946 0958', '442079460958'], ['+1 (415) 555.0100', '14155550100'],
    ['+1 555', null], ['phone', null], ['+0123456789', null], ['+1234567890123456', null], ['', null],
  ])('%s → %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });
});

describe('messaging tiers', () => {
  it.each([['TIER_250', 250], ['TIER_2K', 2000], ['TIER_1K', 1000], ['TIER_100K', 100000], ['TIER_UNLIMITED', null], [null, 250], ['TIER_NOT_SET', 250], ['TIER_5K', 5000]])(
    '%s → %s', (tier, limit) => { expect(tierLimit(tier)).toBe(limit); },
  );
});
