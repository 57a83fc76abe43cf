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
  const text = await readText(req, limitBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('INVALID_JSON');
  }
}

/**
 * The body as text, from the stream's events (cheaper than an async iterator for the few bytes
 * of a shopper's request); PAYLOAD_TOO_LARGE as soon as it passes the limit.
 */
function readText(req: IncomingMessage, limitBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        req.resume();
        reject(new AppError('PAYLOAD_TOO_LARGE'));
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(
        chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'),
      );
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      if (req.complete) return;
      cleanup();
      reject(new Error('the client went away mid-body'));
    };
    const cleanup = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
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
