import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, IdParam, PathBody, type PathResponse } from '@seckill/contracts';
import type { StockStore } from '@seckill/stock';
import type { Limit } from '../config.ts';
import { PATH_ROUTE } from '../metrics.ts';
import { refusalFor, type SaleCatalog } from '../seckill/catalog.ts';
import type { SoldOutFlags } from '../seckill/sold-out.ts';
import { authenticate, liveAccount, type AccountLookup, type TokenService } from './auth.ts';
import { parse } from './body.ts';
import {
  answer,
  answerError,
  answeredSoldOut,
  loadtestKeyMatches,
  shed,
  type LeanLog,
} from './lean.ts';
import type { Limiter, LoadShedder } from './rate-limit.ts';

export interface PathRouteDeps {
  tokens: TokenService;
  soldOut: SoldOutFlags;
  /** Shared by every instance: the path is where a shopper's attempts are counted. */
  limiter: Limiter;
  pathLimit: Limit;
  account: AccountLookup;
  stock: Pick<StockStore, 'issuePath'>;
  catalog: Pick<SaleCatalog, 'exists'>;
  captchaMaxTries: number;
  pathTtlMs: number;
}

export interface PathRequest {
  authorization: string | undefined;
  rawGoodsId: string;
  /** The parsed JSON body (undefined without one). */
  body: unknown;
  /** The request carries the load-test key: no captcha (the waiting room still applies). */
  loadtest: boolean;
}

/**
 * A sale this instance knows is sold out is refused before the limit, the account read and the
 * script: after a sell-out the crowd's paths cost the API almost nothing (a valid token). One
 * error for all of them (no stack to capture per refusal).
 */
const SOLD_OUT = new AppError('SOLD_OUT');

/**
 * The path request, checked in the same order on both routes (Koa's and the lean one): a token,
 * the local sold-out flag, the shopper's limit, the account in MySQL, the sale id, the captcha
 * answer, then one script that checks the captcha, the window, the stock, the waiting room and
 * the buyer, and stores the one-time path.
 */
export async function takePath(d: PathRouteDeps, r: PathRequest): Promise<PathResponse> {
  const token = authenticate(d.tokens, r.authorization);
  if (d.soldOut.isSoldOut(Number(r.rawGoodsId))) throw SOLD_OUT;
  if (!(await d.limiter.hit('path', String(token.id), d.pathLimit)))
    throw new AppError('RATE_LIMITED');
  const user = await liveAccount(d.account, token);
  const goodsId = parse(IdParam, r.rawGoodsId);
  const body = r.loadtest && r.body === undefined ? { captcha: 'x' } : parse(PathBody, r.body);
  const path = randomBytes(24).toString('base64url');
  const outcome = await d.stock.issuePath(goodsId, user.id, {
    answer: body.captcha,
    maxTries: d.captchaMaxTries,
    path,
    ttlMs: d.pathTtlMs,
    skipCaptcha: r.loadtest,
  });
  if (outcome === 'NOT_WARMED')
    throw await refusalFor(
      d.catalog,
      goodsId,
      new AppError('RETRY', 'This sale is being prepared; please try again in a moment.'),
    );
  if (outcome === 'SOLD_OUT') d.soldOut.markSoldOut(goodsId);
  if (outcome !== 'OK') throw await refusalFor(d.catalog, goodsId, new AppError(outcome));
  return { path };
}

const PATH_URL = /^\/api\/seckill\/([1-9][0-9]{0,9})\/path$/;

export interface LeanPathDeps extends PathRouteDeps {
  shedder: LoadShedder;
  loadtestKey: string;
  bodyLimit: number;
  metrics?: { request(route: string, method: string, status: number, startedAt: number): void };
}

/** Only a JSON body of a declared length within the limit is read here; Koa answers the rest. */
function leanBody(req: IncomingMessage, limit: number): 'none' | 'json' | null {
  if (req.headers['transfer-encoding']) return null;
  const length = req.headers['content-length'];
  if (length === undefined || length === '0') return 'none';
  if (!/^[0-9]{1,9}$/.test(length) || Number(length) > limit) return null;
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' ? 'json' : null;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new AppError('INVALID_JSON');
  }
}

/** The lean route of the path POST (see lean.ts). */
export function leanPathRoute(d: LeanPathDeps, log: LeanLog) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST') return false;
    const m = PATH_URL.exec(req.url ?? '');
    const body = m && leanBody(req, d.bodyLimit);
    if (!m || !body) return false;
    const startedAt = performance.now();
    const done = (status: number) => d.metrics?.request(PATH_ROUTE, 'POST', status, startedAt);
    // After a sell-out most of a crowd lands here: one prebuilt answer, no error to build. With
    // a body, Koa's route would read it first (its errors come before the flag): the usual path.
    if (body === 'none' && answeredSoldOut(d, Number(m[1]), req, res)) {
      done(409);
      return true;
    }
    shed(d.shedder, async () =>
      takePath(d, {
        authorization: req.headers.authorization,
        rawGoodsId: m[1] ?? '',
        body: body === 'json' ? await readJson(req) : undefined,
        loadtest: loadtestKeyMatches(d.loadtestKey, req.headers['x-loadtest-key']),
      }),
    ).then(
      (path) => {
        answer(res, 200, JSON.stringify(path));
        done(200);
      },
      (err: unknown) => {
        // A client gone mid-body has no one to answer.
        if (req.destroyed && !req.complete) return void res.destroy();
        done(answerError(res, err, log, req).status);
      },
    );
    return true;
  };
}
