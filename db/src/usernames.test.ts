import { describe, expect, it } from 'vitest';
import { usernameSkeleton } from './usernames.ts';

describe('usernameSkeleton', () => {
  it('gives names that look alike, in any case or width, one skeleton', () => {
    const admin = usernameSkeleton('admin');
    for (const lookalike of [
      'аdmin', // Cyrillic а
      'АDMIN', // Cyrillic А, capitals
      'Admin',
      'ADMIN',
      'ａｄｍｉｎ', // fullwidth
      'adrnin', // r n for m
      'ɑdmin', // Latin alpha
      'admіn', // Ukrainian і
    ])
      expect(usernameSkeleton(lookalike), lookalike).toBe(admin);
    expect(usernameSkeleton('pаypаl')).toBe(usernameSkeleton('paypal'));
    expect(usernameSkeleton('ｂｏｂ')).toBe(usernameSkeleton('bob'));
  });

  it('keeps names that look different apart', () => {
    const admin = usernameSkeleton('admin');
    for (const other of ['admins', 'adm', 'administrator', 'odmin', 'bob', 'alice'])
      expect(usernameSkeleton(other), other).not.toBe(admin);
    expect(usernameSkeleton('alice')).not.toBe(usernameSkeleton('bob'));
    // Accents stay in the skeleton; the column's collation sets them aside (see migration 007).
    expect(usernameSkeleton('admín')).not.toBe(admin);
  });

  it('stays within the column for the longest names', () => {
    expect(Array.from(usernameSkeleton('꽦'.repeat(32))).length).toBeLessThanOrEqual(255);
    expect(Array.from(usernameSkeleton('\ufdfa'.repeat(32))).length).toBe(255);
  });
});
