import { describe, expect, it } from 'vitest';
import { formatDateTime, zoneName } from './dateFormat';

const AT = '2026-12-08T06:05:09Z';
const NOW = Date.parse('2026-11-24T12:00:00Z');
const SHANGHAI = { timeZone: 'Asia/Shanghai', now: NOW };

describe('formatDateTime', () => {
  it('writes one format in each language, 24-hour, without the year of today', () => {
    expect(formatDateTime(AT, 'en', SHANGHAI)).toBe('Dec 8, 14:05');
    expect(formatDateTime(AT, 'zh-CN', SHANGHAI)).toBe('12月8日 14:05');
    expect(formatDateTime('2026-12-07T16:30:00Z', 'en', SHANGHAI)).toBe('Dec 8, 00:30');
  });

  it('adds the year when it is not this one', () => {
    const nextYear = { ...SHANGHAI, now: Date.parse('2027-01-02T00:00:00Z') };
    expect(formatDateTime(AT, 'en', nextYear)).toBe('Dec 8, 2026, 14:05');
    expect(formatDateTime(AT, 'zh-CN', nextYear)).toBe('2026年12月8日 14:05');
  });

  it('shows the time zone last, and seconds when asked', () => {
    expect(formatDateTime(AT, 'en', { ...SHANGHAI, zone: true })).toBe('Dec 8, 14:05 GMT+8');
    expect(formatDateTime(AT, 'zh-CN', { ...SHANGHAI, zone: true })).toBe('12月8日 14:05 GMT+8');
    expect(formatDateTime(AT, 'en', { ...SHANGHAI, seconds: true })).toBe('Dec 8, 14:05:09');
    expect(formatDateTime(Date.parse(AT), 'en', { timeZone: 'UTC', now: NOW, zone: true })).toBe(
      'Dec 8, 06:05 UTC',
    );
  });

  it('names the zone a form takes its times in', () => {
    expect(zoneName('en', NOW, 'Asia/Shanghai')).toBe('GMT+8');
    expect(zoneName('zh-CN', NOW, 'Asia/Shanghai')).toBe('GMT+8');
    expect(zoneName('en', NOW, 'UTC')).toBe('UTC');
  });

  it('writes nothing for a missing date', () => {
    expect(formatDateTime('', 'en')).toBe('');
  });
});
