import { randomBytes } from 'node:crypto';
import type { SaleCreateBody } from '@seckill/contracts';
import { hashPassword, insertUsers } from '@seckill/db';
import { TokenService } from '@seckill/server';
import type { Pool } from 'mysql2/promise';
import type { Target } from './stack.ts';

export interface BenchUser {
  id: number;
  token: string;
}

/**
 * Shoppers made in bulk: multi-row INSERTs sharing one password hash (nobody logs in with it),
 * and tokens the bench signs with the API's secret — not one slow scrypt per user via the API.
 */
export class UserFactory {
  private readonly tokens: TokenService;
  private readonly run = randomBytes(3).toString('hex');
  private batch = 0;
  private hash: Promise<string> | null = null;

  constructor(
    private readonly db: Pool,
    target: Target,
  ) {
    this.tokens = new TokenService(target.jwtSecret, 6 * 3600);
  }

  async create(count: number, role: 'user' | 'admin' = 'user'): Promise<BenchUser[]> {
    this.hash ??= hashPassword(randomBytes(12).toString('hex'));
    const hash = await this.hash;
    const batch = (this.batch += 1);
    const names = Array.from({ length: count }, (_, i) => `bench${this.run}_${batch}_${i}`);
    const rows = await insertUsers(this.db, names, hash, role);
    return rows.map((u) => ({ id: u.id, token: this.tokens.sign({ ...u, role }) }));
  }
}

/** A small JSON client for the set-up calls (sales, one order); the load goes through autocannon. */
export class Api {
  constructor(private readonly target: Target) {}

  async call<T = unknown>(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { 'x-loadtest-key': this.target.loadtestKey };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.target.url}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: body as T };
  }

  /** Opens a sale through the admin API (which also loads it into Redis); returns its id. */
  async createSale(adminToken: string, name: string, stock: number): Promise<number> {
    const now = Date.now();
    const sale: SaleCreateBody = {
      name,
      description: 'Made by pnpm bench.',
      imageUrl: '',
      price: 10_000,
      seckillPrice: 5_000,
      stock,
      startAt: new Date(now - 60_000).toISOString(),
      endAt: new Date(now + 6 * 3600_000).toISOString(),
    };
    const res = await this.call<{ item?: { id: number } }>('POST', '/api/admin/goods', {
      token: adminToken,
      body: sale,
    });
    if (res.status !== 201 || !res.body.item) {
      throw new Error(`creating a sale answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body.item.id;
  }
}
