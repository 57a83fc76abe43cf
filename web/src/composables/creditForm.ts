import type { CreditBody } from '@seckill/contracts';
import { amountProblem, yuanToCents } from './money';

/** What the admin types to credit a wallet: yuan as text, and why. */
export interface CreditForm {
  amount: string;
  note: string;
}

export type CreditField = keyof CreditForm;
/** Problems by field, as keys under admin.credit.rules in the translations. */
export type CreditFormProblem = 'required' | 'money' | 'moneyRange' | 'noteLength';

export const NOTE_MAX = 200;

/** Checks the form the way the API's CreditBody will. */
export function checkCreditForm(form: CreditForm): Partial<Record<CreditField, CreditFormProblem>> {
  const problems: Partial<Record<CreditField, CreditFormProblem>> = {};
  const amount = amountProblem(form.amount);
  if (amount) problems.amount = amount;
  const note = form.note.trim();
  if (!note) problems.note = 'required';
  else if (note.length > NOTE_MAX) problems.note = 'noteLength';
  return problems;
}

/** The API body, in cents. Call after checkCreditForm passes. */
export function creditFormToBody(form: CreditForm): CreditBody {
  const amount = yuanToCents(form.amount);
  if (amount === null) throw new Error('the credit form is not valid');
  return { amount, note: form.note.trim() };
}
