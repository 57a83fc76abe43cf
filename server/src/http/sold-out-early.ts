import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERRORS } from '@seckill/contracts';
import { bearerToken, type TokenService } from './auth.ts';
import type { SoldOutFlags } from '../seckill/sold-out.ts';

const ORDER_URL = /^\/api\/seckill\/([1-9][0-9]{0,9})\/[A-Za-z0-9_-]{32}\/order$/;
const BODY = JSON.stringify({ code: 'SOLD_OUT', message: ERRORS.SOLD_OUT.message });
const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'content-length': String(Buffer.byteLength(BODY)),
  'x-content-type-options': 'nosniff',
};

/**
 * Late orders after a sell-out are most of a flash sale's traffic. While this instance's sold-out
 * flag is up, they are answered before Koa: the same check that precedes the flag on the normal
 * path (a valid token), the same answer, no routing and no Redis. Anything else falls through.
 */
export function soldOutEarly(deps: { tokens: TokenService; soldOut: SoldOutFlags }) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST') return false;
    const order = ORDER_URL.exec(req.url ?? '');
    if (!order || !deps.soldOut.isSoldOut(Number(order[1]))) return false;
    const token = bearerToken(req.headers.authorization);
    if (!token) return false;
    try {
      deps.tokens.verify(token);
    } catch {
      return false; // Koa answers it, with the usual 401
    }
    res.writeHead(409, HEADERS);
    res.end(BODY);
    return true;
  };
}
