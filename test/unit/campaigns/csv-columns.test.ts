/** CSV columns → template components, and the errors that name a row and a column. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import { readHeader, recipientsOf } from '../../../src/modules/campaigns/csv-columns.js';
import type { TemplateParameters } from '../../../src/modules/templates/template-parameters.js';

const positional: TemplateParameters = { header: 0, body: 2, buttons: [] };
const named: TemplateParameters = { header: 0, body: 2, bodyNames: ['customer_name', 'order_id'], buttons: [{ index: 0, subType: 'url', count: 1 }] };
const media: TemplateParameters = { header: 1, headerFormat: 'IMAGE', body: 1, buttons: [{ index: 1, subType: 'copy_code', count: 1 }] };

function problem(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return { message: (error as AppError).message, details: (error as AppError).details };
  }
  throw new Error('expected an error');
}

describe('CSV header', () => {
  it('maps phone, ref and positional parameters, in any order and case', () => {
    const layout = readHeader(['Body.2', 'PHONE', 'ref', 'body.1'], positional, 'welcome_offer (en_US)');
    const [recipient] = recipientsOf(layout, [{ line: 2, cells: ['10%', '+55 11 99999-0000', 'crm-1', 'Smith, Jr.'] }], positional);
    expect(recipient).toEqual({
      to: '+55 11 99999-0000', ref: 'crm-1',
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'Smith, Jr.' }, { type: 'text', text: '10%' }] }],
    });
  });

  it('maps named parameters and a URL button', () => {
    const layout = readHeader(['phone', 'order_id', 'customer_name', 'button.0.1'], named, 'order_update (en_US)');
    const [recipient] = recipientsOf(layout, [{ line: 2, cells: ['+4915100000001', 'A-1', 'Ana', 'A-1'] }], named);
    expect(recipient.components).toEqual([
      { type: 'body', parameters: [{ type: 'text', parameter_name: 'order_id', text: 'A-1' }, { type: 'text', parameter_name: 'customer_name', text: 'Ana' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-1' }] },
    ]);
  });

  it('without the template in the catalogue, takes a lowercase name as a named parameter (Meta judges)', () => {
    const layout = readHeader(['phone', 'email'], null, 'unknown (en_US)');
    expect(recipientsOf(layout, [{ line: 2, cells: ['+4915100000001', 'a@b.c'] }], null)[0].components).toEqual([
      { type: 'body', parameters: [{ type: 'text', parameter_name: 'email', text: 'a@b.c' }] },
    ]);
  });

  it('gives a media header a link and a copy-code button its code', () => {
    const layout = readHeader(['phone', 'header.1', 'body.1', 'button.1.1'], media, 'launch (en_US)');
    const [recipient] = recipientsOf(layout, [{ line: 2, cells: ['+4915100000001', 'https://example.com/a.png', 'bag', 'SAVE10'] }], media);
    expect(recipient.components).toEqual([
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.png' } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'bag' }] },
      { type: 'button', sub_type: 'copy_code', index: '1', parameters: [{ type: 'coupon_code', coupon_code: 'SAVE10' }] },
    ]);
  });

  it.each([
    [['phone', 'email'], positional, 'email', /is not a parameter of template welcome_offer \(en_US\): its body parameters are positional/],
    [['phone', 'e-mail'], null, 'e-mail', /is not a known column/],
    [['phone', 'First Name'], null, 'First Name', /is not a known column/],
    [['ref', 'body.1'], null, 'phone', /the header row must have a phone column/],
    [['phone', 'phone'], null, 'phone', /appears twice/],
    [['phone', 'body.1', 'body.3'], null, 'body.3', /body.2 is missing/],
    [['phone', 'body.1', 'customer_name'], null, 'customer_name', /cannot be mixed/],
    [['phone', 'body.1', 'body.2', 'body.3'], positional, 'body.3', /is not a parameter of template welcome_offer \(en_US\): its body takes 2/],
    [['phone', 'coupon'], positional, 'coupon', /its body parameters are positional/],
    [['phone', 'customer_name', 'zip'], named, 'zip', /its named parameters are customer_name, order_id/],
    [['phone', 'body.1'], named, 'body.1', /its body parameters are named/],
    [['phone', 'button.2.1'], named, 'button.2.1', /button 2 takes 0 parameters/],
  ] as const)('refuses header %j naming the column', (header, parameters, column, message) => {
    const { details } = problem(() => readHeader([...header], parameters as TemplateParameters | null, 'welcome_offer (en_US)'));
    expect(details[0]).toMatchObject({ field: 'recipients', row: 1, column, message: expect.stringMatching(message) });
  });
});

describe('CSV rows', () => {
  const layout = readHeader(['phone', 'ref', 'body.1', 'body.2'], positional, 'welcome_offer (en_US)');

  it('names the row and column of each bad cell, up to 20', () => {
    const rows = [
      { line: 2, cells: ['+4915100000001', '', 'Ana', '10%'] },
      { line: 3, cells: ['+4915100000002', 'r', '', '10%'] },
      { line: 5, cells: ['+4915100000003', 'x'.repeat(201), 'Bo', 'y'.repeat(4097)] },
    ];
    const { message, details } = problem(() => recipientsOf(layout, rows, positional));
    expect(message).toBe('The recipients file is invalid: row 3, column "body.1": is empty; every template parameter needs a value (and 2 more problems).');
    expect(details).toEqual([
      { field: 'recipients', in: 'body', row: 3, column: 'body.1', message: 'is empty; every template parameter needs a value' },
      { field: 'recipients', in: 'body', row: 5, column: 'ref', message: 'is longer than 200 characters' },
      { field: 'recipients', in: 'body', row: 5, column: 'body.2', message: 'is longer than 4096 characters' },
    ]);
  });

  it('leaves invalid phone numbers to screening (they end in `rejected`) and drops an empty ref', () => {
    const recipients = recipientsOf(layout, [{ line: 2, cells: ['not a phone', '', 'Ana', '10%'] }], positional);
    expect(recipients[0].to).toBe('not a phone');
    expect(recipients[0]).not.toHaveProperty('ref');
  });
});
