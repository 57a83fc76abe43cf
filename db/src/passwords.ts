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

/**
 * Who asks for a hash, most deserving first. `known`: an account logging in from an address it
 * has logged in from before; `clean`: an account and address without recent failures (and a new
 * registration); `suspect`: anything else — an unknown name, recent failures, a second login of
 * the same account in flight. A flood of suspect logins can hold only part of the pool, so it
 * cannot lock everyone else out.
 */
export type HashPriority = 'known' | 'clean' | 'suspect';
const ORDER: HashPriority[] = ['known', 'clean', 'suspect'];

export class HashPool {
  private running = 0;
  private runningSuspect = 0;
  private readonly waiting: Record<HashPriority, Array<() => void>> = {
    known: [],
    clean: [],
    suspect: [],
  };
  /** Waiting places per class: suspect ones get half the queue, clean three quarters. */
  private readonly maxWaiting: Record<HashPriority, number>;
  /** Running hashes a suspect may hold: all but one when there are two or more. */
  private readonly maxRunningSuspect: number;

  constructor(
    readonly concurrency: number,
    maxWaiting: number,
  ) {
    this.maxWaiting = {
      known: maxWaiting,
      clean: Math.floor((maxWaiting * 3) / 4),
      suspect: Math.floor(maxWaiting / 2),
    };
    this.maxRunningSuspect = Math.max(1, concurrency - 1);
  }

  /** Runs `fn` when a slot is free for its class, or throws HashQueueFull at once. */
  async run<T>(priority: HashPriority, fn: () => Promise<T>): Promise<T> {
    if (this.mayStart(priority)) this.take(priority);
    else {
      if (this.waiting[priority].length >= this.maxWaiting[priority]) throw new HashQueueFull();
      // next() takes the slot for us before it wakes us.
      await new Promise<void>((resolve) => this.waiting[priority].push(resolve));
    }
    try {
      return await fn();
    } finally {
      this.running -= 1;
      if (priority === 'suspect') this.runningSuspect -= 1;
      this.next();
    }
  }

  /** Hashes running and waiting, per class (for tests and metrics). */
  get load() {
    return {
      running: this.running,
      waiting: Object.fromEntries(ORDER.map((p) => [p, this.waiting[p].length])),
    };
  }

  private mayStart(priority: HashPriority): boolean {
    if (this.running >= this.concurrency) return false;
    if (priority === 'suspect' && this.runningSuspect >= this.maxRunningSuspect) return false;
    // Nobody overtakes a waiting class that comes first.
    return ORDER.slice(0, ORDER.indexOf(priority) + 1).every((p) => this.waiting[p].length === 0);
  }

  /** Hashes started since the process began. */
  started = 0;

  private take(priority: HashPriority) {
    this.started += 1;
    this.running += 1;
    if (priority === 'suspect') this.runningSuspect += 1;
  }

  /** Hands a free slot to the best waiting class that may take it. */
  private next() {
    for (const p of ORDER) {
      const queue = this.waiting[p];
      while (queue.length > 0 && this.running < this.concurrency) {
        if (p === 'suspect' && this.runningSuspect >= this.maxRunningSuspect) break;
        this.take(p);
        queue.shift()!();
      }
    }
  }
}

const pool = new HashPool(CONCURRENCY, MAX_WAITING);

/** This process's hash pool: what runs and waits, and how many hashes it has started. */
export const passwordHashPool = (): Pick<HashPool, 'load' | 'started'> => pool;

function scrypt(
  password: string,
  salt: Buffer,
  keylen: number,
  opts: ScryptOptions,
  priority: HashPriority,
) {
  return pool.run(
    priority,
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  );
}

export async function hashPassword(
  password: string,
  priority: HashPriority = 'clean',
): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { ...PARAMS, maxmem: MAXMEM }, priority);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(
  password: string,
  stored: string,
  priority: HashPriority = 'clean',
): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const N = Number(n);
  // A stored hash names its own cost: never let one ask for more than the current parameters.
  if (!(N > 1 && N <= PARAMS.N) || Number(r) !== PARAMS.r || Number(p) !== PARAMS.p) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(
    password,
    Buffer.from(salt, 'base64'),
    expected.length,
    { N, r: PARAMS.r, p: PARAMS.p, maxmem: MAXMEM },
    priority,
  );
  return timingSafeEqual(key, expected);
}

/** A hash made with weaker parameters than today's: rehash it at the next successful login. */
export function needsRehash(stored: string): boolean {
  const [kind, n] = stored.split('$');
  return kind !== 'scrypt' || Number(n) < PARAMS.N;
}
