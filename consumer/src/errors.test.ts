import { describe, expect, it } from 'vitest';
import { backoffMs, classify } from './errors.ts';

describe('classify', () => {
  it('retries connection losses and deadlocks, dead-letters broken references', () => {
    expect(classify({ code: 'ECONNREFUSED' })).toBe('transient');
    expect(classify({ code: 'ER_LOCK_DEADLOCK' })).toBe('transient');
    expect(classify({ code: 'X', fatal: true })).toBe('transient');
    expect(classify({ code: 'ER_NO_REFERENCED_ROW_2' })).toBe('permanent');
    expect(classify(new Error('something odd'))).toBe('unknown');
  });

  it('waits out a Redis at its memory ceiling or failing over, whatever it takes', () => {
    const oom = new Error("OOM command not allowed when used memory > 'maxmemory'.");
    expect(classify(oom)).toBe('transient');
    expect(classify(new Error("READONLY You can't write against a read only replica."))).toBe(
      'transient',
    );
    expect(classify(new Error('a message about OOM elsewhere'))).toBe('unknown');
  });

  it('backs off exponentially up to about five seconds', () => {
    expect(backoffMs(0)).toBeLessThanOrEqual(120);
    expect(backoffMs(3)).toBeGreaterThanOrEqual(640);
    expect(backoffMs(50)).toBeLessThanOrEqual(6000);
  });
});
