import type { APIRequestContext, Page } from '@playwright/test';
import { contrast } from '../src/axe.ts';
import {
  adminAuth,
  apiRegister,
  bearer,
  captchaAnswer,
  createSale,
  editSale,
  expect,
  newContext,
  shot,
  signIn,
  test,
  type AuthResponse,
} from '../src/fixtures.ts';

/**
 * A room sale starts this far off: never by itself while a test, however slow, gets ready (its
 * timeout is shorter), yet inside QUEUE_OPENS_BEFORE_MS (ten minutes), so its room is open. The
 * test starts it with editSale when it is ready.
 */
const STARTS_IN_MS = 5 * 60_000;
/** How often an open sale page reads a sale that starts over a minute later (GoodsDetailPage). */
const PAGE_REFRESH_MS = 30_000;

/**
 * Shoppers shared by this file's tests, registered on first use: each test has sales of its own,
 * and sign-ups are rate limited per address (LIMIT_REGISTER_PER_IP) over the whole suite.
 */
const pool: AuthResponse[] = [];
async function shoppers(request: APIRequestContext, n: number): Promise<AuthResponse[]> {
  while (pool.length < n) pool.push(await apiRegister(request, `room${pool.length + 1}`));
  return pool.slice(0, n);
}
const PHONE = { width: 390, height: 844 };

/** Every view the room shows from now on, recorded in the page: a reload would lose the record. */
async function recordViews(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = [];
    const note = () => {
      const view =
        document.querySelector('[data-test="waiting-room"]')?.getAttribute('data-view') ?? 'gone';
      if (seen.at(-1) !== view) seen.push(view);
    };
    note();
    new MutationObserver(note).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-view'],
    });
    Object.assign(window, { __roomViews: seen });
  });
}
/** Buys the sale's unit through the API as an admitted shopper: captcha, path, order, result. */
async function apiBuy(request: APIRequestContext, saleId: number, shopper: AuthResponse) {
  const headers = bearer(shopper.token);
  expect((await request.get(`/api/seckill/${saleId}/captcha`, { headers })).status()).toBe(200);
  const captcha = await captchaAnswer(saleId, shopper.user.id);
  const path = await request.post(`/api/seckill/${saleId}/path`, { headers, data: { captcha } });
  expect(path.status(), await path.text()).toBe(200);
  const token = ((await path.json()) as { path: string }).path;
  const order = await request.post(`/api/seckill/${saleId}/${token}/order`, { headers, data: {} });
  expect(order.status()).toBe(202);
  let orderId = '';
  await expect
    .poll(async () => {
      const r = await request.get(`/api/seckill/${saleId}/result`, { headers });
      const body = (await r.json()) as { status: string; orderId?: string };
      orderId = body.orderId ?? '';
      return body.status;
    })
    .toBe('success');
  return orderId;
}

async function apiCancel(request: APIRequestContext, orderId: string, shopper: AuthResponse) {
  const r = await request.post(`/api/orders/${orderId}/cancel`, { headers: bearer(shopper.token) });
  expect(r.status(), await r.text()).toBe(200);
}

async function apiJoin(request: APIRequestContext, saleId: number, shopper: AuthResponse) {
  const r = await request.post(`/api/seckill/${saleId}/queue`, { headers: bearer(shopper.token) });
  expect(r.status()).toBe(200);
}

const queueState = async (request: APIRequestContext, saleId: number, shopper: AuthResponse) => {
  const r = await request.get(`/api/seckill/${saleId}/queue`, { headers: bearer(shopper.token) });
  return ((await r.json()) as { status: string }).status;
};

const recordedViews = (page: Page) =>
  page.evaluate(() => (window as { __roomViews?: string[] }).__roomViews ?? []);

test('shoppers wait in the room before the sale, are let in at the start without a reload, and buy', async ({
  page,
  request,
  browser,
  guard,
}) => {
  test.setTimeout(180_000);
  const [alice, bob, carol] = (await shoppers(request, 3)) as [
    AuthResponse,
    AuthResponse,
    AuthResponse,
  ];
  const sale = await createSale(request, {
    name: `Room Headphones ${Date.now().toString(36)}`,
    stock: 3,
    price: 59900,
    seckillPrice: 19900,
    waitingRoom: true,
    startAt: new Date(Date.now() + STARTS_IN_MS).toISOString(),
  });
  expect(sale.waitingRoom).toBe(true);
  expect(Date.parse(sale.queueOpensAt ?? '')).toBeLessThan(Date.now());

  // Desktop: the room is open before the start; there is no buy button to race for.
  await signIn(page, alice);
  await page.goto(`/goods/${sale.id}`);
  await expect(page.getByTestId('app')).toHaveAttribute('data-live', 'true');
  const room = page.getByTestId('waiting-room');
  await expect(room).toHaveAttribute('data-view', 'join');
  await expect(page.getByTestId('countdown')).toHaveAttribute('data-phase', 'upcoming');
  await expect(page.getByTestId('buy-button')).toHaveCount(0);
  await expect(page.getByTestId('captcha-img')).toHaveCount(0);
  await recordViews(page);

  await page.getByTestId('room-join').click();
  await expect(room).toHaveAttribute('data-view', 'drawing');
  await expect(page.getByTestId('room-drawing')).toHaveText(
    "You're in. The order is drawn at random when the sale starts — joining early gives no advantage.",
  );
  await expect(page.getByTestId('room-starts-in')).toHaveText(
    /^The sale starts in 0[0-4]:[0-5]\d\.$/,
  );
  await expect(page.getByTestId('room-state')).toBeDisabled();
  await contrast(page, 'waiting room, desktop, before the start');
  await shot(page, 'waiting-room-drawing');

  // Joining again keeps the place (not drawn yet before the start).
  const again = await request.post(`/api/seckill/${sale.id}/queue`, {
    headers: bearer(alice.token),
  });
  expect(again.status()).toBe(200);
  expect(await again.json()).toMatchObject({ status: 'waiting', position: null });

  // A second shopper on a phone: the room sits in the docked bar.
  const phoneContext = await newContext(browser, { viewport: PHONE });
  const phone = await phoneContext.newPage();
  guard.watch(phone);
  await signIn(phone, bob);
  await phone.goto(`/goods/${sale.id}`);
  await expect(phone.getByTestId('app')).toHaveAttribute('data-live', 'true');
  const bar = phone.getByTestId('buy-bar');
  await expect(bar).toHaveAttribute('data-docked', 'true');
  const phoneRoom = bar.getByTestId('waiting-room');
  await expect(phoneRoom).toHaveAttribute('data-view', 'join');
  await bar.getByTestId('room-join').click();
  await expect(phoneRoom).toHaveAttribute('data-view', 'drawing');
  await expect(bar.getByTestId('room-drawing')).toBeInViewport();
  await expect(bar.getByTestId('room-state')).toBeInViewport();
  await contrast(phone, 'waiting room, phone, before the start');
  await shot(phone, 'waiting-room-phone', { fullPage: false });

  // The start, now that both are waiting: the draw and the admission reach the page by
  // themselves; the page sees the moved start at its next read of the sale.
  await editSale(request, sale, { startAt: new Date().toISOString() });
  await expect(room).toHaveAttribute('data-view', 'admitted', { timeout: 15_000 });
  const views = await recordedViews(page);
  expect(views.slice(0, 2)).toEqual(['join', 'drawing']);
  expect(views.at(-1)).toBe('admitted');
  // Between the two, only places in line (how long depends on the admission rate).
  expect(views.slice(2, -1).every((v) => v === 'waiting' || v === 'drawing')).toBe(true);
  await expect(page.getByTestId('countdown')).toHaveAttribute('data-phase', 'active', {
    timeout: PAGE_REFRESH_MS + 15_000,
  });
  await expect(page.getByTestId('room-admitted-left')).toHaveText(
    /^Your turn holds for \d\d:\d\d\.$/,
  );
  await expect(page.getByTestId('captcha-img')).toBeVisible();
  await expect(page.getByTestId('buy-button')).toBeEnabled();
  await expect(page.getByTestId('buy-button')).toHaveText('Buy for ¥199.00');
  await contrast(page, 'waiting room, admitted');
  await shot(page, 'waiting-room-admitted');

  // A shopper who never joined is refused the purchase path.
  const refused = await request.post(`/api/seckill/${sale.id}/path`, {
    headers: bearer(carol.token),
    data: { captcha: 'abcd' },
  });
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { code: string }).code).toBe('NOT_ADMITTED');

  // Admitted, the desktop shopper buys with the real captcha.
  await page.getByTestId('captcha-input').fill(await captchaAnswer(sale.id, alice.user.id));
  await page.getByTestId('buy-button').click();
  const result = page.getByTestId('buy-result');
  await expect(result).toHaveAttribute('data-state', 'success', { timeout: 20_000 });
  await expect(room).toHaveCount(0);
  await expect(page.getByTestId('stock-left')).toHaveAttribute('data-left', '2');

  // The phone shopper was let in too, without a reload.
  await expect(phoneRoom).toHaveAttribute('data-view', 'admitted', { timeout: 15_000 });
  await expect(bar.getByTestId('captcha-img')).toBeVisible({ timeout: PAGE_REFRESH_MS + 15_000 });

  // The dashboard: nobody left waiting, one admission unused (the phone's), the pace.
  const adminContext = await newContext(browser);
  const admin = await adminContext.newPage();
  guard.watch(admin);
  await signIn(admin, await adminAuth(request));
  await admin.goto('/admin');
  await admin.getByTestId('admin-search').fill(sale.name);
  const row = admin.locator(`[data-test="admin-row"][data-id="${sale.id}"]`);
  await expect(row.getByTestId('admin-room')).toBeVisible();
  await expect(row.getByTestId('admin-room-waiting')).toContainText(/Waiting\s*0$/);
  await expect(row.getByTestId('admin-room-admitted')).toContainText(/Admitted \(unused\)\s*1$/);
  await expect(row.getByTestId('admin-room-rate')).toContainText(/of \d/);
  await expect(row.getByTestId('admin-room-lapsed')).toContainText(/Lapsed\s*0$/);
  await adminContext.close();

  await bar.getByTestId('captcha-input').fill(await captchaAnswer(sale.id, bob.user.id));
  await bar.getByTestId('buy-button').click();
  await expect(phone.getByTestId('buy-result')).toHaveAttribute('data-state', 'success', {
    timeout: 20_000,
  });
  await phoneContext.close();
});

test('a visitor logs in to join the room and comes back to it; before it opens it counts down', async ({
  page,
  request,
}) => {
  const [shopper] = (await shoppers(request, 1)) as [AuthResponse];
  const sale = await createSale(request, {
    name: `Room Kettle ${Date.now().toString(36)}`,
    waitingRoom: true,
    startAt: new Date(Date.now() + 30 * 60_000).toISOString(),
    endAt: new Date(Date.now() + 90 * 60_000).toISOString(),
  });
  const detail = `/goods/${sale.id}`;
  await page.goto(detail);
  const login = page.getByTestId('login-to-buy');
  await expect(login).toHaveText('Log in to join');
  await login.click();
  await expect(page).toHaveURL(/\/login\?/);
  expect(new URL(page.url()).searchParams.get('redirect')).toBe(detail);
  await page.getByTestId('login-username').fill(shopper.user.username);
  await page.getByTestId('login-password').fill('password123');
  await page.getByTestId('login-submit').click();

  await expect(page).toHaveURL(new RegExp(`${detail}$`));
  const room = page.getByTestId('waiting-room');
  // The room opens ten minutes before the start: twenty minutes from now.
  await expect(room).toHaveAttribute('data-view', 'opens');
  await expect(page.getByTestId('room-opens-in')).toHaveText(
    /^The waiting room opens in (19:[0-5]\d|20:00)\.$/,
  );
  await expect(page.getByTestId('room-join')).toHaveCount(0);
  await expect(page.getByTestId('buy-button')).toHaveCount(0);
  await contrast(page, 'waiting room, not open yet');
});

test('a sale without a room sells as before, and the form sets the room on or off', async ({
  page,
  request,
  browser,
  guard,
}) => {
  const [shopper] = (await shoppers(request, 1)) as [AuthResponse];
  const sale = await createSale(request, {
    name: `Roomless Mug ${Date.now().toString(36)}`,
    waitingRoom: false,
  });
  expect(sale.waitingRoom).toBe(false);
  await signIn(page, shopper);
  await page.goto(`/goods/${sale.id}`);
  await expect(page.getByTestId('captcha-img')).toBeVisible();
  await expect(page.getByTestId('buy-button')).toBeEnabled();
  await expect(page.getByTestId('waiting-room')).toHaveCount(0);

  // The admin form: on for a new sale; an existing sale shows its own setting.
  const adminContext = await newContext(browser);
  const admin = await adminContext.newPage();
  guard.watch(admin);
  await signIn(admin, await adminAuth(request));
  await admin.goto('/admin/sales/new');
  const toggle = admin.getByRole('switch', { name: 'Waiting room' });
  await expect(toggle).toBeChecked();
  await admin.goto(`/admin/sales/${sale.id}/edit`);
  await expect(admin.getByTestId('form-name')).toHaveValue(sale.name);
  await expect(toggle).not.toBeChecked();
  await adminContext.close();
});

test('a late shopper waits with a place; sold out while nothing is left, in line again when a unit comes back', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  // One unit: the room keeps at most two admissions unused at a time (twice the units left).
  const [late, ...early] = (await shoppers(request, 4)) as [AuthResponse, ...AuthResponse[]];
  const sale = await createSale(request, {
    name: `Room Lamp ${Date.now().toString(36)}`,
    stock: 1,
    waitingRoom: true,
    startAt: new Date(Date.now() + STARTS_IN_MS).toISOString(),
  });
  // The three join before the start however long it takes; then the sale starts.
  for (const shopper of early) await apiJoin(request, sale.id, shopper);
  await editSale(request, sale, { startAt: new Date().toISOString() });

  await signIn(page, late);
  await page.goto(`/goods/${sale.id}`);
  await expect(page.getByTestId('app')).toHaveAttribute('data-live', 'true');
  await expect(page.getByTestId('countdown')).toHaveAttribute('data-phase', 'active', {
    timeout: 20_000,
  });
  const room = page.getByTestId('waiting-room');
  await expect(room).toHaveAttribute('data-view', 'join');
  await expect(room).toContainText('The sale is on. Join to get a place at the back of the line.');
  // Two of the three early shoppers are let in at the start; one waits.
  await expect
    .poll(async () =>
      (await Promise.all(early.map((e) => queueState(request, sale.id, e)))).sort().join(),
    )
    .toBe('admitted,admitted,waiting');
  const admitted = [];
  const waitingFirst = [];
  for (const e of early) {
    if ((await queueState(request, sale.id, e)) === 'admitted') admitted.push(e);
    else waitingFirst.push(e);
  }

  await page.getByTestId('room-join').click();
  await expect(room).toHaveAttribute('data-view', 'waiting');
  const place = page.getByTestId('room-position');
  await expect(place).toHaveAttribute('data-position', '2');
  await expect(place).toHaveText('You are number 2 in line');
  await expect(page.getByTestId('room-eta')).toBeVisible();
  await expect(page.getByTestId('buy-button')).toHaveCount(0);
  await contrast(page, 'waiting room, a place in line');
  await shot(page, 'waiting-room');

  // The unit sells: sold out for everyone still waiting, no button to press.
  const first = await apiBuy(request, sale.id, admitted[0]!);
  await expect(room).toHaveAttribute('data-view', 'sold_out');
  await expect(page.getByTestId('room-sold-out')).toContainText('Sold out');
  await expect(page.getByTestId('room-state')).toHaveText('Sold out');
  await expect(page.getByTestId('room-state')).toBeDisabled();
  await expect(page.getByTestId('buy-button')).toHaveCount(0);
  await contrast(page, 'waiting room, sold out');

  // It comes back: the page is a place in line again, pushed without a reload. (The line itself
  // need not move: the shopper who gave the unit back still holds an admission to use.)
  await apiCancel(request, first, admitted[0]!);
  await expect(room).toHaveAttribute('data-view', 'waiting', { timeout: 15_000 });
  await expect(place).toHaveAttribute('data-position', /^[12]$/);
  await expect(page.getByTestId('buy-button')).toHaveCount(0);
  console.log(
    `[room] after the cancel: canceller ${await queueState(request, sale.id, admitted[0]!)}, ` +
      `next in line ${await queueState(request, sale.id, waitingFirst[0]!)}`,
  );
});
