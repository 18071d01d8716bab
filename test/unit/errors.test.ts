import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES } from '../../src/errors.js';
import { validationDetails } from '../../src/plugins/error-handler.js';

describe('error registry', () => {
  it('has snake_case codes with 4xx/5xx statuses', () => {
    for (const [code, status] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });

  it('renders the contract shape', () => {
    const error = new AppError('conflict', 'Already there.', { details: [{ field: 'x', message: 'taken' }] });
    expect(error.statusCode).toBe(409);
    expect(error.toBody()).toEqual({ error: { code: 'conflict', message: 'Already there.', details: [{ field: 'x', message: 'taken' }] } });
  });
});

describe('validationDetails', () => {
  it('names nested fields with dots and splits unknown keys', () => {
    const details = validationDetails([
      { instancePath: '/template/name', keyword: 'invalid_type', message: 'Invalid input: expected string' },
      { instancePath: '', keyword: 'unrecognized_keys', params: { keys: ['foo', 'bar'] } },
    ], 'body');
    expect(details).toEqual([
      { field: 'template.name', in: 'body', message: 'Invalid input: expected string' },
      { field: 'foo', in: 'body', message: 'is not a known field; remove it' },
      { field: 'bar', in: 'body', message: 'is not a known field; remove it' },
    ]);
  });
});
