import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// OWASP's minimum for scrypt: N=2^17, r=8, p=1 (128 MiB and ~0.3 s per hash here).
const PARAMS = { N: 1 << 17, r: 8, p: 1 } as const;
const KEYLEN = 32;
const MAXMEM = 256 * 1024 * 1024;
/** Hashes at once per process; each holds 128 MiB. The rest wait, and past the queue are refused. */
const CONCURRENCY = Math.max(1, Number(process.env.PASSWORD_HASH_CONCURRENCY) || 2);
const MAX_WAITING = Math.max(0, Number(process.env.PASSWORD_HASH_QUEUE) || 32);

/** Too many password hashes are waiting: the caller should answer "busy" instead of queueing. */
export class HashQueueFull extends Error {
  constructor() {
    super('too many password hashes waiting');
    this.name = 'HashQueueFull';
  }
}

let running = 0;
const waiting: Array<() => void> = [];

/** Runs a hash on the bounded pool, so many logins at once cannot take all the memory. */
async function bounded<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENCY) {
    if (waiting.length >= MAX_WAITING) throw new HashQueueFull();
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  running += 1;
  try {
    return await fn();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions) {
  return bounded(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { ...PARAMS, maxmem: MAXMEM });
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const N = Number(n);
  // A stored hash names its own cost: never let one ask for more than the current parameters.
  if (!(N > 1 && N <= PARAMS.N) || Number(r) !== PARAMS.r || Number(p) !== PARAMS.p) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N,
    r: PARAMS.r,
    p: PARAMS.p,
    maxmem: MAXMEM,
  });
  return timingSafeEqual(key, expected);
}

/** A hash made with weaker parameters than today's: rehash it at the next successful login. */
export function needsRehash(stored: string): boolean {
  const [kind, n] = stored.split('$');
  return kind !== 'scrypt' || Number(n) < PARAMS.N;
}
