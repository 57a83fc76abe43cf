import { loadConsumerConfig, runConsumer } from '@seckill/consumer';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSaleSettled } from '../src/seckill/consistency.ts';
import { startHarness, type ApiResponse, type Harness } from './harness.ts';

// 500 orders come due while their owners pay at the deadline, the expiry consumer takes the
// deadline messages and the sweeper runs: each order ends paid or expired, never both, never
// neither, and the stock, the marks and the money say the same.
const ORDERS = 500;
const PRICE = 5000;
const BALANCE = 1_000_000;
const TIMEOUT_MS = 12_000;
const SWEEP_MS = 300;
const GRACE_MS = 1;
/** The early payers pay this long before their deadline (or at once, if that is past). */
const EARLY_MS = 10_000;
/** Each hammering owner's burst starts somewhere in deadline ± this. */
const WINDOW_MS = 300;
/** One burst: concurrent pays at these offsets from its start. */
const BURST = [0, 0, 25, 50];

let h: Harness;
let consumer: Awaited<ReturnType<typeof runConsumer>> | null = null;
beforeAll(async () => {
  h = await startHarness({
    env: {
      PAYMENT_TIMEOUT_MS: String(TIMEOUT_MS),
      EXPIRY_SWEEP_INTERVAL_MS: String(SWEEP_MS),
      EXPIRY_SWEEP_GRACE_MS: String(GRACE_MS),
      LIMIT_ORDER_ACTION_PER_USER: '1000',
    },
    // Started once every order is queued, so the deadlines do not depend on how fast the
    // shoppers got their orders in.
    consumer: false,
    balance: BALANCE,
  });
});
afterAll(async () => {
  await consumer?.stop();
  await h?.close();
});

/** The harness's consumer, started late: the consumer's config comes from the same env. */
const startConsumer = () =>
  runConsumer(
    {
      ...loadConsumerConfig({ ...h.env, PUBLISH_CONFIRM_TIMEOUT_MS: '' }),
      // Batches of 50: ten deadline messages, a few hundred ms apart.
      prefetch: 500,
      batchSize: 50,
      batchWaitMs: 5,
      maxUnknownAttempts: 3,
    },
    pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  );

/** POST /api/orders/:id/pay through the harness (its server outlives idle keep-alive sockets). */
const postPay = (orderId: string, token: string): Promise<ApiResponse> =>
  h.request('POST', `/api/orders/${orderId}/pay`, { token });

const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

interface Owner {
  userId: number;
  token: string;
  orderId: string;
  /** The deadline on this process's clock. */
  deadline: number;
  group: 'early' | 'hammer' | 'never';
  answers: ApiResponse[];
  /** When each pay was sent and answered, relative to the deadline. */
  sentAt: number[];
  answeredAt: number[];
}

describe('paying at the deadline while orders expire', () => {
  it(`ends each of ${ORDERS} orders paid xor expired, with the units and the money to match`, async () => {
    const sale = await h.createSale({ stock: ORDERS, seckillPrice: PRICE });
    const users = await h.createUsers(ORDERS);
    const placed = await Promise.all(users.map((u) => h.order(sale.id, u.token)));
    expect(placed.map((p) => p.status)).toEqual(users.map(() => 202));
    consumer = await startConsumer();
    const written = await h.waitFor(
      () => h.query('SELECT COUNT(*) AS n FROM orders WHERE goods_id = ?', [sale.id]),
      (r) => Number(r[0].n) === ORDERS,
      30_000,
    );
    expect(Number(written[0].n)).toBe(ORDERS);

    // Deadlines are MySQL's clock; the pays are timed on this one.
    const before = Date.now();
    const [clock] = await h.query<{ now: Date }>('SELECT NOW(3) AS now');
    const skew = (clock?.now.getTime() ?? NaN) - (before + Date.now()) / 2;
    expect(Number.isFinite(skew)).toBe(true);
    const rows = await h.query<{ id: string; user_id: number; expires_at: Date; status: string }>(
      'SELECT id, user_id, expires_at, status FROM orders WHERE goods_id = ? ORDER BY user_id',
      [sale.id],
    );
    expect(rows.every((r) => r.status === 'pending_payment')).toBe(true);
    const tokens = new Map(users.map((u) => [u.id, u.token]));
    const groups = ['early', 'hammer', 'never'] as const;
    const owners: Owner[] = rows.map((r, i) => ({
      userId: Number(r.user_id),
      token: tokens.get(Number(r.user_id)) ?? '',
      orderId: String(r.id),
      deadline: r.expires_at.getTime() - skew,
      group: groups[i % 3] ?? 'never',
      answers: [],
      sentAt: [],
      answeredAt: [],
    }));
    const deadlines = owners.map((o) => o.deadline);
    const spreadMs = Math.max(...deadlines) - Math.min(...deadlines);

    const pay = async (o: Owner, at: number) => {
      await sleepUntil(at);
      o.sentAt.push(Date.now() - o.deadline);
      o.answers.push(await postPay(o.orderId, o.token));
      o.answeredAt.push(Date.now() - o.deadline);
    };
    const hammer = owners.filter((o) => o.group === 'hammer');
    await Promise.all(
      owners.flatMap((o) => {
        if (o.group === 'early') {
          // Two at once: the second is answered "paid" too, and moves no money.
          const at = o.deadline - EARLY_MS;
          return [pay(o, at), pay(o, at)];
        }
        if (o.group === 'hammer') {
          // Bursts start evenly across deadline ± WINDOW_MS, from owner to owner.
          const j = hammer.indexOf(o);
          const start = o.deadline - WINDOW_MS + (2 * WINDOW_MS * j) / (hammer.length - 1);
          return BURST.map((d) => pay(o, start + d));
        }
        return [];
      }),
    );

    // Nothing stays pending: the messages and the sweeper expire what was not paid.
    const pending = await h.waitFor(
      () =>
        h.query(
          `SELECT COUNT(*) AS n FROM orders WHERE goods_id = ? AND status = 'pending_payment'`,
          [sale.id],
        ),
      (r) => Number(r[0].n) === 0,
      20_000,
    );
    expect(Number(pending[0].n)).toBe(0);
    const report = await checkSaleSettled(h.s.db, h.s.stock, sale.id, () => h.s.publisher.depth(), {
      timeoutMs: 20_000,
      quietMs: 1000,
    });

    const final = await h.query<{
      id: string;
      user_id: number;
      status: string;
      price: number;
      late_paid: number | null;
      early_expired: number | null;
    }>(
      `SELECT id, user_id, status, price, paid_at >= expires_at AS late_paid,
         cancelled_at < expires_at AS early_expired
       FROM orders WHERE goods_id = ?`,
      [sale.id],
    );
    const statusOf = new Map(final.map((r) => [String(r.id), r.status]));
    const byStatus = (s: string) => final.filter((r) => r.status === s);
    const paid = byStatus('paid');
    const expired = byStatus('expired');
    expect(final).toHaveLength(ORDERS);
    expect(paid.length + expired.length).toBe(ORDERS);
    expect(paid.length).toBeGreaterThan(0);
    expect(expired.length).toBeGreaterThan(0);
    // Paid before the deadline, expired at it or after, on MySQL's clock.
    expect(paid.filter((r) => Number(r.late_paid) !== 0)).toEqual([]);
    expect(expired.filter((r) => Number(r.early_expired) !== 0)).toEqual([]);
    for (const o of owners) {
      const seen = `${o.orderId}: sent at ${o.sentAt.map(Math.round).join()} ms from its deadline, answered at ${o.answeredAt.map(Math.round).join()} ms: ${o.answers.map((a) => `${a.status} ${a.body?.code ?? ''}`).join()}`;
      if (o.group === 'early') expect(statusOf.get(o.orderId), seen).toBe('paid');
      if (o.group === 'never') expect(statusOf.get(o.orderId), seen).toBe('expired');
    }

    // Every answer: 200 paid or 409 ORDER_EXPIRED; and what the owner was told is what happened.
    const answers = new Map<string, number>();
    for (const o of owners) {
      const status = statusOf.get(o.orderId);
      for (const a of o.answers) {
        const key = `${a.status} ${a.body?.code ?? a.body?.item?.status}`;
        answers.set(key, (answers.get(key) ?? 0) + 1);
        if (a.status === 200) {
          expect(a.body.item, o.orderId).toMatchObject({ id: o.orderId, status: 'paid' });
          expect(status, `${o.orderId} was answered paid`).toBe('paid');
        } else {
          expect({ status: a.status, code: a.body?.code }, o.orderId).toEqual({
            status: 409,
            code: 'ORDER_EXPIRED',
          });
          expect(status, `${o.orderId} was answered ORDER_EXPIRED`).toBe('expired');
        }
      }
      if (status === 'paid') expect(o.answers.some((a) => a.status === 200)).toBe(true);
    }

    // The units of the expired orders are back, in MySQL and in Redis; their buyers' marks are gone.
    const [goods] = await h.query('SELECT stock_left FROM goods WHERE id = ?', [sale.id]);
    expect(Number(goods.stock_left)).toBe(expired.length);
    expect(await h.s.redis.get(h.s.stock.keys(sale.id).stock)).toBe(String(expired.length));
    const marks = await h.s.stock.buyerMarks(sale.id);
    expect(expired.filter((r) => marks.has(Number(r.user_id)))).toEqual([]);
    expect(new Map(paid.map((r) => [Number(r.user_id), String(r.id)]))).toEqual(marks);

    // One debit per paid order, of its price; none for an expired one; nothing refunded.
    const ledger = await h.query<{ order_id: string; kind: string; n: number; amount: string }>(
      `SELECT w.order_id, w.kind, COUNT(*) AS n, SUM(w.amount) AS amount
       FROM wallet_entries w JOIN orders o ON o.id = w.order_id
       WHERE o.goods_id = ? GROUP BY w.order_id, w.kind`,
      [sale.id],
    );
    expect(ledger.filter((l) => l.kind !== 'debit' || Number(l.n) !== 1)).toEqual([]);
    expect(new Map(ledger.map((l) => [String(l.order_id), -Number(l.amount)]))).toEqual(
      new Map(paid.map((r) => [String(r.id), Number(r.price)])),
    );
    const debits = -ledger.reduce((sum, l) => sum + Number(l.amount), 0);
    const paidPrices = paid.reduce((sum, r) => sum + Number(r.price), 0);
    expect(debits).toBe(paidPrices);
    const balances = await h.query<{ id: number; balance: string; ledger: string }>(
      `SELECT u.id, u.balance, (SELECT SUM(amount) FROM wallet_entries w WHERE w.user_id = u.id) AS ledger
       FROM users u WHERE u.id IN (?)`,
      [users.map((u) => u.id)],
    );
    const paidBy = new Map(paid.map((r) => [Number(r.user_id), Number(r.price)]));
    expect(balances).toHaveLength(ORDERS);
    for (const b of balances) {
      const want = BALANCE - (paidBy.get(Number(b.id)) ?? 0);
      expect([Number(b.balance), Number(b.ledger)], `user ${b.id}`).toEqual([want, want]);
    }

    expect(report).toMatchObject({
      stockTotal: ORDERS,
      stockLeftDb: expired.length,
      stockLeftRedis: expired.length,
      ordersDb: paid.length,
      pending: 0,
      paid: paid.length,
      returned: expired.length,
      buyersRedis: paid.length,
      markedWithoutOrder: 0,
      ordersWithoutMark: 0,
      duplicates: 0,
      oversold: 0,
      undersold: 0,
      money: { debits, refunds: 0, paidPrices, mismatched: 0, paidAndReturned: 0 },
      exact: true,
    });

    const exp = consumer?.consumer.expirer.counters;
    const hammerPaid = hammer.filter((o) => statusOf.get(o.orderId) === 'paid');
    const sent = hammer.flatMap((o) => o.sentAt);
    const earlyDone = Math.max(
      ...owners.filter((o) => o.group === 'early').flatMap((o) => o.answeredAt),
    );
    console.log(
      `[payment-race] orders ${ORDERS}, paid ${paid.length}, expired ${expired.length}, ` +
        `returned ${report?.returned} (units back: MySQL ${goods.stock_left}, Redis ${report?.stockLeftRedis}), ` +
        `ledger debits ${debits} = paid prices ${paidPrices}; hammer ${hammerPaid.length}/${hammer.length} paid, ` +
        `pays sent ${Math.round(Math.min(...sent))}..${Math.round(Math.max(...sent))} ms from deadline, ` +
        `early pays all answered by ${Math.round(-earlyDone)} ms before their deadline, ` +
        `deadlines spread ${spreadMs} ms, clock skew ${Math.round(skew)} ms; ` +
        `expired by message ${(exp?.expired ?? 0) - (exp?.swept ?? 0)}, by the sweeper ${exp?.swept} ` +
        `(${exp?.sweeps} sweeps); answers ${JSON.stringify(Object.fromEntries(answers))}`,
    );
  });
});
