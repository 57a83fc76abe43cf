import { describe, expect, it } from 'vitest';
import { buyPanelMode, closedLabelKey } from './buyPanelMode';

describe('buyPanelMode', () => {
  it('gives a logged-in shopper the buy box whatever the sale does', () => {
    expect(buyPanelMode(true, 'active', false)).toBe('box');
    expect(buyPanelMode(true, 'active', true)).toBe('box');
    expect(buyPanelMode(true, 'ended', false)).toBe('box');
    expect(buyPanelMode(true, null, false)).toBe('box');
  });

  it('asks a visitor to log in while the sale may still sell', () => {
    expect(buyPanelMode(false, 'active', false)).toBe('login');
    expect(buyPanelMode(false, 'upcoming', false)).toBe('login');
    expect(buyPanelMode(false, null, false)).toBe('login');
  });

  it('shows a visitor the state of an ended or sold-out sale', () => {
    expect(buyPanelMode(false, 'ended', false)).toBe('closed');
    expect(buyPanelMode(false, 'ended', true)).toBe('closed');
    expect(buyPanelMode(false, 'active', true)).toBe('closed');
  });
});

describe('closedLabelKey', () => {
  it('names each closed state', () => {
    expect(closedLabelKey('upcoming')).toBe('buy.notStarted');
    expect(closedLabelKey('ended')).toBe('buy.ended');
    expect(closedLabelKey('active')).toBe('buy.soldOut');
  });
});
