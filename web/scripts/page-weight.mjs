// Adds up, gzipped, what a cold visit to a page downloads: the entry with its static imports and
// styles, then the page's lazy chunk with its own. Exits 1 if the goods detail page goes over
// its budget. Run after `vite build`: node scripts/page-weight.mjs [page.vue ...]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const DIST = new URL('../dist/', import.meta.url).pathname;
const BUDGET = 250 * 1024;
const manifest = JSON.parse(readFileSync(join(DIST, '.vite/manifest.json'), 'utf8'));

const gz = (file) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;

function collect(key, files = new Set()) {
  const chunk = manifest[key];
  if (!chunk || files.has(chunk.file)) return files;
  files.add(chunk.file);
  for (const css of chunk.css ?? []) files.add(css);
  for (const asset of chunk.assets ?? []) files.add(asset);
  for (const dep of chunk.imports ?? []) collect(dep, files);
  return files;
}

function weigh(page) {
  const files = collect(page, collect('index.html'));
  files.add('index.html');
  files.add('favicon.svg');
  // The page shows one picture of the shipped set; count the heaviest.
  const images = readdirSync(join(DIST, 'images/goods')).map((f) => `images/goods/${f}`);
  const picture = images.sort((a, b) => gz(b) - gz(a))[0];
  if (picture) files.add(picture);
  const rows = [...files].map((file) => ({ file, gzip: gz(file) })).sort((a, b) => b.gzip - a.gzip);
  const total = rows.reduce((sum, r) => sum + r.gzip, 0);
  console.log(`\n${page}`);
  for (const r of rows) console.log(`  ${(r.gzip / 1024).toFixed(1).padStart(7)} KB  ${r.file}`);
  console.log(`  ${(total / 1024).toFixed(1).padStart(7)} KB  total (gzip -9)`);
  return total;
}

const pages = process.argv.slice(2);
const detail = 'src/pages/GoodsDetailPage.vue';
for (const page of pages.length ? pages : [detail, 'src/pages/GoodsListPage.vue']) {
  if (!manifest[page]) {
    console.error(`no chunk for ${page}`);
    process.exit(1);
  }
  const total = weigh(page);
  if (page === detail && total > BUDGET) {
    console.error(`\nThe goods detail page loads ${(total / 1024).toFixed(1)} KB > 250 KB`);
    process.exit(1);
  }
}
