import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import type { z } from 'zod';
import { AppError } from './errors.ts';

declare module 'koa' {
  interface Request {
    body?: unknown;
  }
}

/**
 * Reads a JSON body, for both doors (Koa's middleware below and the sale edge): refuses other
 * content types (415), bodies over the limit (413, without reading them whole) and broken JSON
 * (422). A request without a body (no length, length 0, not chunked) gives `undefined`.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const length = req.headers['content-length'];
  const declared = length === undefined ? 0 : Number(length);
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (!declared && !chunked) return undefined;
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (declared > limitBytes) throw new AppError('PAYLOAD_TOO_LARGE');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new AppError('PAYLOAD_TOO_LARGE');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new AppError('INVALID_JSON');
  }
}

/** Koa's body: `ctx.request.body` for POST/PUT/PATCH (see readJsonBody). */
export function jsonBody(limitBytes: number): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST' && ctx.method !== 'PUT' && ctx.method !== 'PATCH') return next();
    ctx.request.body = await readJsonBody(ctx.req, limitBytes);
    return next();
  };
}

/** Validates input against a contract schema; unknown fields and bad values answer 422 with details. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length ? issue.path.join('.') : 'body';
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) fields[[...issue.path, k].join('.')] = 'unknown field';
    } else {
      fields[key] ??= issue.message;
    }
  }
  const summary = Object.entries(fields)
    .slice(0, 3)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  throw new AppError('VALIDATION', `Invalid input — ${summary}`, fields);
}
