import type { QueueStatus } from '@seckill/contracts';
import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { computed, shallowRef } from 'vue';
import { i18n, setLocale } from '@/i18n';
import type { RoomNotice, RoomView, WaitingRoom } from '@/composables/waitingRoom';
import WaitingRoomPanel from './WaitingRoomPanel.vue';

/** A room in a given state, as useWaitingRoom would hold it. */
function fakeRoom(
  view: RoomView,
  status: QueueStatus | null,
  more: { startsInMs?: number; admittedLeftMs?: number; notice?: RoomNotice } = {},
): WaitingRoom {
  return {
    status: shallowRef(status),
    view: computed(() => view),
    joining: shallowRef(false),
    notice: shallowRef(more.notice ?? null),
    polling: computed(() => false),
    opensInMs: computed(() => 0),
    startsInMs: computed(() => more.startsInMs ?? 0),
    admittedLeftMs: computed(() => more.admittedLeftMs ?? 0),
    join: vi.fn(async () => {}),
    refresh: vi.fn(async () => {}),
    notAdmitted: vi.fn(),
  };
}

const render = (room: WaitingRoom) =>
  mount(WaitingRoomPanel, { props: { room }, global: { plugins: [i18n] } });

describe('WaitingRoomPanel', () => {
  it('says before the start that the order is drawn at random, and counts down', () => {
    setLocale('en');
    const panel = render(
      fakeRoom(
        'drawing',
        { status: 'waiting', position: null, etaSeconds: 15 },
        { startsInMs: 15_000 },
      ),
    );
    expect(panel.get('[data-test="room-drawing"]').text()).toContain(
      'joining early gives no advantage',
    );
    expect(panel.get('[data-test="room-starts-in"]').text()).toBe('The sale starts in 00:15.');
    expect(panel.get('[data-test="room-state"]').text()).toBe('In line');
    expect(panel.find('[data-test="room-join"]').exists()).toBe(false);
  });

  it('shows the place in line and the wait, in both languages', () => {
    const room = fakeRoom('waiting', { status: 'waiting', position: 12, etaSeconds: 40 });
    setLocale('en');
    let panel = render(room);
    expect(panel.get('[data-test="room-position"]').text()).toBe('You are number 12 in line');
    expect(panel.get('[data-test="room-position"]').attributes('data-position')).toBe('12');
    expect(panel.get('[data-test="room-eta"]').text()).toBe('About 40 s to go');
    setLocale('zh-CN');
    panel = render(room);
    expect(panel.get('[data-test="room-position"]').text()).toBe('您前面还有 11 人');
    expect(panel.get('[data-test="room-eta"]').text()).toBe('预计还需约 40 秒');
    panel = render(fakeRoom('waiting', { status: 'waiting', position: 1, etaSeconds: 0 }));
    expect(panel.get('[data-test="room-position"]').text()).toBe('下一个就是您');
    setLocale('en');
    panel = render(fakeRoom('waiting', { status: 'waiting', position: 1, etaSeconds: 0 }));
    expect(panel.get('[data-test="room-position"]').text()).toBe('You are next in line');
  });

  it('joins with the button, and says why a turn ended', async () => {
    setLocale('en');
    const room = fakeRoom(
      'join',
      { status: 'none', position: null, etaSeconds: null },
      {
        notice: { code: 'LAPSED', message: 'x' },
      },
    );
    const panel = render(room);
    expect(panel.get('[data-test="room-notice"]').text()).toContain('Your turn ran out');
    await panel.get('[data-test="room-join"]').trigger('click');
    expect(room.join).toHaveBeenCalledTimes(1);

    const refused = render(
      fakeRoom('join', null, {
        notice: { code: 'NOT_ADMITTED', message: 'server words' },
      }),
    );
    expect(refused.get('[data-test="room-notice"]').text()).toBe(
      'Please wait for your turn in the waiting room before buying.',
    );
  });

  it('leaves the button to the buy box once admitted, with the time the turn holds', () => {
    setLocale('en');
    const panel = render(
      fakeRoom(
        'admitted',
        { status: 'admitted', position: null, etaSeconds: 0, admittedUntil: 'x' },
        { admittedLeftMs: 90_000 },
      ),
    );
    expect(panel.get('[data-test="room-admitted-left"]').text()).toBe('Your turn holds for 01:30.');
    expect(panel.find('button').exists()).toBe(false);
  });

  it('shows sold out with no way to buy', () => {
    setLocale('en');
    const panel = render(
      fakeRoom('sold_out', { status: 'sold_out', position: null, etaSeconds: null }),
    );
    expect(panel.get('[data-test="room-sold-out"]').text()).toContain('Sold out');
    const state = panel.get('[data-test="room-state"]');
    expect(state.element.tagName).toBe('BUTTON');
    expect((state.element as HTMLButtonElement).disabled).toBe(true);
    expect(panel.find('[data-test="room-join"]').exists()).toBe(false);
  });
});
