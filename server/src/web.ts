import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Middleware } from 'koa';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);

interface Asset {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
}

/**
 * Serves the built SPA: hashed files under /assets/ are cached for a year, everything else is
 * revalidated, and any other GET that wants HTML gets index.html (history-mode routes).
 * Files are read and gzipped once, then kept in memory: the build never changes while running.
 */
export function serveWeb(root: string): Middleware {
  const cache = new Map<string, Asset | null>();
  const base = normalize(root + sep);

  async function load(rel: string): Promise<Asset | null> {
    if (cache.has(rel)) return cache.get(rel) ?? null;
    const file = normalize(join(base, rel));
    let asset: Asset | null = null;
    if (file.startsWith(base)) {
      const info = await stat(file).catch(() => null);
      if (info?.isFile()) {
        const body = await readFile(file);
        const ext = extname(file);
        asset = {
          body,
          gzip: COMPRESSIBLE.has(ext) && body.length > 512 ? gzipSync(body, { level: 9 }) : null,
          type: TYPES[ext] ?? 'application/octet-stream',
        };
      }
    }
    cache.set(rel, asset);
    return asset;
  }

  return async (ctx, next) => {
    if (
      (ctx.method !== 'GET' && ctx.method !== 'HEAD') ||
      ctx.path.startsWith('/api/') ||
      ctx.path === '/api'
    ) {
      return next();
    }
    let rel: string;
    try {
      rel = decodeURIComponent(ctx.path);
    } catch {
      return next();
    }
    if (rel.includes('\0')) return next();
    let asset = rel === '/' ? null : await load(rel);
    if (!asset) {
      if (ctx.path === '/healthz' || ctx.path === '/readyz') return next();
      if (extname(rel) !== '' && !ctx.accepts('html')) return next();
      rel = '/index.html';
      asset = await load(rel);
      if (!asset) return next();
    }
    ctx.set(
      'Cache-Control',
      rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    ctx.type = asset.type;
    ctx.vary('Accept-Encoding');
    if (asset.gzip && ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
      ctx.set('Content-Encoding', 'gzip');
      ctx.body = asset.gzip;
    } else {
      ctx.body = asset.body;
    }
  };
}
