/** Malformed requests across every endpoint: each must get a 4xx JSON error and change nothing. */
export interface BadRequest {
  name: string;
  method: string;
  path: string;
  /** Sent as is. */
  raw?: string;
  body?: unknown;
  contentType?: string;
  auth?: 'user' | 'admin' | 'none';
}

const BAD_IDS = [
  'abc',
  '-1',
  '0',
  '1.5',
  '99999999999999999999',
  '4294967296',
  '1e3x',
  '%00',
  "1'%20OR%20'1'='1",
  '%3Cscript%3E',
  '%20',
  '%D9%A1%D9%A2',
  '0x10',
  'NaN',
  'Infinity',
];

const STRINGS = [
  "' OR 1=1 --",
  '"; DROP TABLE orders; --',
  '<script>alert(1)</script>',
  '\u0000\u0001\u0002',
  '\u202e\u202d',
  '😀'.repeat(40),
  'a'.repeat(5000),
  '',
  ' ',
];

const WRONG_TYPES: unknown[] = [null, 42, true, [], ['a'], {}, { $gt: '' }, 1e308, -0.5];

const BROKEN_JSON = [
  '{',
  '{"a":',
  '{"username": "a" "password": "b"}',
  "{'a': 1}",
  'undefined',
  '\u0000',
  '{"a":1}}',
  '[1,2',
];

export function buildCorpus(goodsId: number): BadRequest[] {
  const out: BadRequest[] = [];
  const add = (r: BadRequest) => out.push(r);

  // Bad ids on every route with one.
  for (const id of BAD_IDS) {
    add({ name: `goods id ${id}`, method: 'GET', path: `/api/goods/${id}` });
    add({
      name: `captcha id ${id}`,
      method: 'GET',
      path: `/api/seckill/${id}/captcha`,
      auth: 'user',
    });
    add({
      name: `path id ${id}`,
      method: 'POST',
      path: `/api/seckill/${id}/path`,
      body: { captcha: 'abcd' },
      auth: 'user',
    });
    add({
      name: `order id ${id}`,
      method: 'POST',
      path: `/api/seckill/${id}/${'A'.repeat(32)}/order`,
      auth: 'user',
    });
    add({
      name: `result id ${id}`,
      method: 'GET',
      path: `/api/seckill/${id}/result`,
      auth: 'user',
    });
    add({
      name: `admin put id ${id}`,
      method: 'PUT',
      path: `/api/admin/goods/${id}`,
      body: {},
      auth: 'admin',
    });
    add({
      name: `admin reset id ${id}`,
      method: 'POST',
      path: `/api/admin/goods/${id}/reset`,
      body: { stock: 1 },
      auth: 'admin',
    });
  }
  // Bad order paths.
  for (const p of [
    'x',
    'A'.repeat(31),
    'A'.repeat(33),
    '..%2F..%2Fetc',
    '%3Cb%3E',
    "'%20OR%201=1",
  ]) {
    add({
      name: `order path ${p}`,
      method: 'POST',
      path: `/api/seckill/${goodsId}/${p}/order`,
      auth: 'user',
    });
  }
  // Bodies: register and login.
  for (const ep of ['/api/auth/register', '/api/auth/login']) {
    for (const s of STRINGS) {
      add({
        name: `${ep} username ${JSON.stringify(s).slice(0, 20)}`,
        method: 'POST',
        path: ep,
        body: { username: s, password: s },
      });
    }
    for (const v of WRONG_TYPES) {
      add({
        name: `${ep} username type ${JSON.stringify(v)}`,
        method: 'POST',
        path: ep,
        body: { username: v, password: 'password123' },
      });
      add({ name: `${ep} body ${JSON.stringify(v)}`, method: 'POST', path: ep, body: v });
    }
    for (const raw of BROKEN_JSON)
      add({
        name: `${ep} broken ${raw}`,
        method: 'POST',
        path: ep,
        raw,
        contentType: 'application/json',
      });
    add({
      name: `${ep} missing password`,
      method: 'POST',
      path: ep,
      body: { username: 'someone' },
    });
    add({
      name: `${ep} extra field`,
      method: 'POST',
      path: ep,
      body: { username: 'someone', password: 'password123', role: 'admin' },
    });
    add({
      name: `${ep} form`,
      method: 'POST',
      path: ep,
      raw: 'username=a&password=b',
      contentType: 'application/x-www-form-urlencoded',
    });
    add({ name: `${ep} text`, method: 'POST', path: ep, raw: 'hello', contentType: 'text/plain' });
    add({
      name: `${ep} huge`,
      method: 'POST',
      path: ep,
      body: { username: 'x', password: 'y'.repeat(200_000) },
    });
  }
  // Register-specific: shapes login accepts but register refuses.
  for (const s of ['ab', "o'neil", 'a b', 'x'.repeat(33), '<b>', 'name;DROP']) {
    add({
      name: `register username ${s}`,
      method: 'POST',
      path: '/api/auth/register',
      body: { username: s, password: 'password123' },
    });
  }
  add({
    name: 'register short password',
    method: 'POST',
    path: '/api/auth/register',
    body: { username: 'validname', password: 'short' },
  });

  // Path body.
  for (const v of [
    ...WRONG_TYPES,
    ...STRINGS.filter((s) => s.trim() === '' || /[^A-Za-z0-9]/.test(s)),
  ]) {
    add({
      name: `path captcha ${JSON.stringify(v)?.slice(0, 20)}`,
      method: 'POST',
      path: `/api/seckill/${goodsId}/path`,
      body: { captcha: v },
      auth: 'user',
    });
  }
  for (const raw of BROKEN_JSON) {
    add({
      name: `path broken ${raw}`,
      method: 'POST',
      path: `/api/seckill/${goodsId}/path`,
      raw,
      contentType: 'application/json',
      auth: 'user',
    });
  }
  add({
    name: 'path extra field',
    method: 'POST',
    path: `/api/seckill/${goodsId}/path`,
    body: { captcha: 'abcd', userId: 1 },
    auth: 'user',
  });

  // Admin bodies.
  const sale = {
    name: 'ok',
    description: 'ok',
    imageUrl: '',
    price: 100,
    seckillPrice: 50,
    stock: 1,
    startAt: '2030-01-01T00:00:00Z',
    endAt: '2030-01-02T00:00:00Z',
  };
  const badSales: Array<[string, Record<string, unknown>]> = [
    ['negative price', { price: -1 }],
    ['float price', { price: 1.5 }],
    ['string price', { price: '100' }],
    ['huge price', { price: 1e15 }],
    ['seckill above price', { seckillPrice: 1000 }],
    ['negative stock', { stock: -5 }],
    ['huge stock', { stock: 1e12 }],
    ['end before start', { endAt: '2029-01-01T00:00:00Z' }],
    ['bad date', { startAt: 'tomorrow' }],
    ['date without zone', { startAt: '2030-01-01 00:00:00' }],
    ['empty name', { name: '' }],
    ['long name', { name: 'n'.repeat(500) }],
    ['javascript url', { imageUrl: 'javascript:alert(1)' }],
    ['data url', { imageUrl: 'data:text/html,<script>1</script>' }],
    ['relative traversal', { imageUrl: '../../etc/passwd' }],
    ['extra field', { stockLeft: 5 }],
    ['null name', { name: null }],
  ];
  for (const [n, over] of badSales) {
    add({
      name: `admin create ${n}`,
      method: 'POST',
      path: '/api/admin/goods',
      body: { ...sale, ...over },
      auth: 'admin',
    });
    add({
      name: `admin edit ${n}`,
      method: 'PUT',
      path: `/api/admin/goods/${goodsId}`,
      body: { ...sale, stock: undefined, ...over },
      auth: 'admin',
    });
  }
  add({
    name: 'admin create missing fields',
    method: 'POST',
    path: '/api/admin/goods',
    body: { name: 'x' },
    auth: 'admin',
  });
  for (const v of [-1, 1.5, '10', null, 1e9, undefined]) {
    add({
      name: `admin reset stock ${v}`,
      method: 'POST',
      path: `/api/admin/goods/${goodsId}/reset`,
      body: { stock: v },
      auth: 'admin',
    });
  }
  for (const raw of BROKEN_JSON.slice(0, 4)) {
    add({
      name: `admin create broken ${raw}`,
      method: 'POST',
      path: '/api/admin/goods',
      raw,
      contentType: 'application/json',
      auth: 'admin',
    });
  }

  // Wrong methods.
  const routes = [
    '/api/goods',
    `/api/goods/${goodsId}`,
    '/api/auth/login',
    '/api/auth/register',
    '/api/me',
    '/api/orders',
    `/api/seckill/${goodsId}/result`,
    '/api/admin/stats',
  ];
  for (const path of routes) {
    for (const method of ['DELETE', 'PATCH'])
      add({ name: `${method} ${path}`, method, path, auth: 'admin' });
  }
  add({ name: 'GET login', method: 'GET', path: '/api/auth/login' });
  add({
    name: 'GET order',
    method: 'GET',
    path: `/api/seckill/${goodsId}/${'A'.repeat(32)}/order`,
    auth: 'user',
  });
  add({
    name: 'PUT path',
    method: 'PUT',
    path: `/api/seckill/${goodsId}/path`,
    body: {},
    auth: 'user',
  });
  // Unknown routes.
  for (const p of [
    '/api',
    '/api/',
    '/api/users',
    '/api/admin',
    '/api/goods/1/extra',
    '/api/seckill',
    '/api/%E0%A4%A',
  ]) {
    add({ name: `unknown ${p}`, method: 'GET', path: p, auth: 'admin' });
  }
  // No token where one is needed.
  for (const [method, path] of [
    ['GET', '/api/me'],
    ['GET', '/api/orders'],
    ['GET', `/api/seckill/${goodsId}/captcha`],
    ['POST', `/api/seckill/${goodsId}/path`],
    ['POST', `/api/seckill/${goodsId}/${'A'.repeat(32)}/order`],
    ['GET', `/api/seckill/${goodsId}/result`],
    ['GET', '/api/admin/goods'],
    ['POST', '/api/admin/goods'],
    ['GET', '/api/admin/stats'],
  ] as const) {
    add({ name: `no token ${method} ${path}`, method, path, auth: 'none' });
  }
  return out;
}
