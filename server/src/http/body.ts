import type { Middleware } from 'koa';
import type { z } from 'zod';
import { AppError } from './errors.ts';

declare module 'koa' {
  interface Request {
    body?: unknown;
  }
}

/**
 * Reads a JSON body for POST/PUT/PATCH: refuses other content types (415), bodies over the limit
 * (413, without reading them whole) and broken JSON (422). Requests without a body get `undefined`.
 */
export function jsonBody(limitBytes: number): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST' && ctx.method !== 'PUT' && ctx.method !== 'PATCH') return next();
    const declared = ctx.request.length;
    const chunked = ctx.get('transfer-encoding') !== '';
    if (!declared && !chunked) return next();
    if (!ctx.is('application/json')) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    if (declared && declared > limitBytes) {
      ctx.set('Connection', 'close');
      throw new AppError('PAYLOAD_TOO_LARGE');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limitBytes) {
        ctx.set('Connection', 'close');
        throw new AppError('PAYLOAD_TOO_LARGE');
      }
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      ctx.request.body = JSON.parse(text) as unknown;
    } catch {
      throw new AppError('INVALID_JSON');
    }
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
