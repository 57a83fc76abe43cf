import { afterEach, describe, expect, it } from 'vitest';
import en from './en';
import zh from './zh';
import { i18n, setLocale } from '.';

const { t } = i18n.global;

/** Every message as text, for the checks that read them all. */
function texts(messages: object): string[] {
  return Object.values(messages).flatMap((v) =>
    typeof v === 'string' ? [v] : typeof v === 'object' && v ? texts(v) : [],
  );
}

describe('plurals', () => {
  afterEach(() => setLocale('en'));

  it('leaves no "(s)" for the reader to sort out', () => {
    expect(texts(en).filter((m) => /\w\(s\)/.test(m) && !m.includes('http(s)'))).toEqual([]);
    // Chinese has no plural: its one choice is the waiting room's "next" against "n ahead".
    expect(texts(zh).filter((m) => m.includes(' | '))).toEqual([zh.room.position]);
  });

  it('speaks English in one and many, and of none where a count can be 0', () => {
    setLocale('en');
    expect(t('admin.filter.count', { n: 0 }, 0)).toBe('No sales');
    expect(t('admin.filter.count', { n: 1 }, 1)).toBe('1 sale');
    expect(t('admin.filter.count', { n: 12 }, 12)).toBe('12 sales');
    expect(t('wallet.entries', { n: 1 }, 1)).toBe('1 entry');
    expect(t('wallet.entries', { n: 3 }, 3)).toBe('3 entries');
    expect(t('admin.archiveConfirm', { name: 'Lamp', orders: 1 }, 1)).toBe(
      '“Lamp” is open and has one live order. Archive it anyway? Its orders and books stay.',
    );
    expect(t('admin.archiveConfirm', { name: 'Lamp', orders: 4 }, 4)).toContain('4 live orders');
    expect(t('admin.resetRefunded', { n: 1, amount: '¥9.90' }, 1)).toBe(
      '1 order refunded (¥9.90).',
    );
    expect(t('admin.resetCancelled', { n: 2 }, 2)).toBe('2 pending orders cancelled.');
    expect(t('admin.resetPreview.cancel', { n: 1 }, 1)).toBe('1 pending order will be cancelled.');
    expect(t('consistency.requeued', { n: 1 }, 1)).toBe(
      '1 lost reservation handed to the queue again.',
    );
  });

  it('keeps Chinese in its one form, whatever the count', () => {
    setLocale('zh-CN');
    expect(t('admin.filter.count', { n: 1 }, 1)).toBe('共 1 个秒杀');
    expect(t('admin.filter.count', { n: 0 }, 0)).toBe('共 0 个秒杀');
    expect(t('wallet.entries', { n: 5 }, 5)).toBe('共 5 条');
    expect(t('admin.resetCancelled', { n: 1 }, 1)).toBe('已取消 1 笔待付款订单。');
    expect(t('admin.archiveConfirm', { name: '台灯', orders: 1 }, 1)).toBe(
      '“台灯”正在进行，有 1 个有效订单。仍要下架吗？订单和账目都会保留。',
    );
  });
});
