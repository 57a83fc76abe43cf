import type { Context } from 'koa';

declare module 'koa' {
  interface DefaultState {
    /** The request carries the configured load-test key: no captcha, no per-IP limits. */
    loadtest?: boolean;
  }
}

/** Rate-limit keys: the client's address (none for the load-test crowd) or the acting user. */
export const byIp = (ctx: Context) => (ctx.state.loadtest ? null : ctx.ip);
export const byUser = (ctx: Context) => (ctx.state.user ? String(ctx.state.user.id) : ctx.ip);
