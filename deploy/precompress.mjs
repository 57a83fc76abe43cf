// Gzips the built web app once, at build time, for nginx's `gzip_static` (deploy/nginx/seckill.conf):
// `node deploy/precompress.mjs web/dist` writes `file.gz` beside every text file of 512 bytes or
// more whose gzip is smaller. Run by scripts/cluster.sh and the Dockerfile after the Vite build.
// A .gz newer than its file is kept, so running it twice is harmless.
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.svg', '.json', '.txt', '.map']);
const MIN_BYTES = 512;

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* files(path);
    else if (e.isFile()) yield path;
  }
}

const root = process.argv[2];
if (!root) {
  console.error('usage: node deploy/precompress.mjs DIR');
  process.exit(2);
}
let written = 0;
let kept = 0;
let bytes = 0;
let gzBytes = 0;
for (const file of files(root)) {
  if (!COMPRESSIBLE.has(extname(file))) continue;
  const st = statSync(file);
  if (st.size < MIN_BYTES) continue;
  const gz = `${file}.gz`;
  let old = null;
  try {
    old = statSync(gz);
  } catch {
    // not compressed yet
  }
  if (old && old.mtimeMs >= st.mtimeMs) {
    kept += 1;
    continue;
  }
  const body = gzipSync(readFileSync(file), { level: 9 });
  if (body.length >= st.size) continue;
  writeFileSync(gz, body);
  // nginx sends the .gz file's Last-Modified and ETag: the same as the file's, whichever is sent.
  utimesSync(gz, st.atime, st.mtime);
  written += 1;
  bytes += st.size;
  gzBytes += body.length;
}
const kb = (n) => `${Math.round(n / 1024)} KB`;
console.log(
  `precompressed ${written} files (${kb(bytes)} → ${kb(gzBytes)} gzipped)` +
    (kept ? `, ${kept} already were` : ''),
);
