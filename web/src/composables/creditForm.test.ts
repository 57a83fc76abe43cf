import { describe, expect, it } from 'vitest';
import { checkCreditForm, creditFormToBody } from './creditForm';

describe('credit form', () => {
  it('sends yuan as integer cents and the note trimmed', () => {
    const form = { amount: '50.5', note: '  goodwill  ' };
    expect(checkCreditForm(form)).toEqual({});
    expect(creditFormToBody(form)).toEqual({ amount: 5050, note: 'goodwill' });
    expect(creditFormToBody({ amount: '¥1,000.00', note: 'x' }).amount).toBe(100_000);
  });

  it('asks for a positive amount within the limit', () => {
    expect(checkCreditForm({ amount: '', note: 'x' }).amount).toBe('required');
    expect(checkCreditForm({ amount: '-5', note: 'x' }).amount).toBe('money');
    expect(checkCreditForm({ amount: '0.00', note: 'x' }).amount).toBe('moneyRange');
    expect(checkCreditForm({ amount: '1000000.01', note: 'x' }).amount).toBe('moneyRange');
  });

  it('asks for a note of 1 to 200 characters', () => {
    expect(checkCreditForm({ amount: '1', note: '   ' }).note).toBe('required');
    expect(checkCreditForm({ amount: '1', note: 'a'.repeat(201) }).note).toBe('noteLength');
    expect(checkCreditForm({ amount: '1', note: 'a'.repeat(200) }).note).toBeUndefined();
  });

  it('refuses to build a body from an invalid form', () => {
    expect(() => creditFormToBody({ amount: 'ten', note: 'x' })).toThrow();
  });
});
