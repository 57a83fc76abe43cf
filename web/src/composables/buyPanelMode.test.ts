import { describe, expect, it } from 'vitest';
import { buyPanelMode, closedLabelKey, loginLabelKey, saleRoom } from './buyPanelMode';

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

describe('saleRoom', () => {
  const times = { startAt: '2026-12-02T12:00:00.000Z', endAt: '2026-12-02T13:00:00.000Z' };

  it('is null for a sale without a room: the buy box as it always was', () => {
    expect(saleRoom({ ...times, waitingRoom: false })).toBeNull();
  });

  it('opens when the sale says, else ten minutes before the start', () => {
    expect(
      saleRoom({ ...times, waitingRoom: true, queueOpensAt: '2026-12-02T11:55:00.000Z' }),
    ).toEqual({ ...times, opensAt: '2026-12-02T11:55:00.000Z' });
    expect(saleRoom({ ...times, waitingRoom: true })?.opensAt).toBe('2026-12-02T11:50:00.000Z');
  });

  it('asks a visitor to log in to join a room, to buy otherwise', () => {
    expect(loginLabelKey(true)).toBe('room.loginToJoin');
    expect(loginLabelKey(false)).toBe('buy.loginToBuy');
  });
});
