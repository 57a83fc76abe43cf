import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
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

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? listFiles(path) : e.isFile() ? [path] : [];
  });
}

/** Every file of the build, read and gzipped once: the build does not change while running. */
function loadBuild(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of listFiles(root)) {
    const body = readFileSync(file);
    const ext = extname(file);
    const rel = '/' + relative(root, file).split(sep).join('/');
    assets.set(rel, {
      body,
      gzip: COMPRESSIBLE.has(ext) && body.length > 512 ? gzipSync(body, { level: 9 }) : null,
      type: TYPES[ext] ?? 'application/octet-stream',
    });
  }
  return assets;
}

/**
 * Serves the built SPA: hashed files under /assets/ are cached for a year, everything else is
 * revalidated, and any other GET that wants HTML gets index.html (history-mode routes).
 * What it holds is the build, loaded at start: a path that is not a file of it is never
 * remembered, so memory stays the same whatever URLs arrive.
 */
export function serveWeb(root: string, limit?: Middleware): Middleware {
  const assets = loadBuild(root);

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
    let asset = rel === '/' ? undefined : assets.get(rel);
    if (!asset && (ctx.path === '/healthz' || ctx.path === '/readyz')) return next();
    // Every request this handler judges counts against its limit (it throws RATE_LIMITED), a
    // missing file too: a flood of distinct URLs is limited, whatever it asks for.
    if (limit) await limit(ctx, async () => {});
    if (!asset) {
      // A missing file is a 404, never the page: a stale chunk must fail as a script, not parse HTML.
      // Only a navigation (it asks for text/html by name) to a path with a dot gets the page.
      if (rel.startsWith('/assets/')) return next();
      if (extname(rel) !== '' && !(ctx.get('accept') ?? '').includes('text/html')) return next();
      rel = '/index.html';
      asset = assets.get(rel);
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
