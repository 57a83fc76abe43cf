/** bench-report.html: one self-contained page, charts as inline SVG. Pure: no I/O. */
import { formatReport, type BenchReport } from './report.ts';
import type { EndpointStats, SeriesPoint } from './stats.ts';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface Line {
  name: string;
  points: Array<[number, number]>;
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const exp = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * exp >= v) return m * exp;
  return 10 * exp;
}

const fmt = (n: number) =>
  n >= 1000 ? `${(n / 1000).toFixed(n >= 10_000 ? 0 : 1)}k` : n >= 10 ? n.toFixed(0) : n.toFixed(1);

/** A line chart: x in seconds, y from 0 to a round maximum; one polyline per line. */
export function lineChart(title: string, yLabel: string, lines: Line[]): string {
  const W = 640;
  const H = 240;
  const L = 56;
  const R = 16;
  const perRow = 4;
  const T = 28 + 12 * Math.floor(Math.max(0, lines.length - 1) / perRow);
  const B = 40;
  const all = lines.flatMap((l) => l.points);
  const xMax = niceMax(Math.max(0.001, ...all.map((p) => p[0])));
  const yMax = niceMax(Math.max(0, ...all.map((p) => p[1])));
  const x = (v: number) => L + (v / xMax) * (W - L - R);
  const y = (v: number) => H - B - (v / yMax) * (H - T - B);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">`,
    `<text x="${L}" y="16" font-size="13" font-weight="600">${esc(title)}</text>`,
  ];
  for (let i = 0; i <= 4; i += 1) {
    const v = (yMax * i) / 4;
    parts.push(
      `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/>`,
      `<text x="${L - 6}" y="${y(v) + 4}" font-size="10" text-anchor="end">${fmt(v)}</text>`,
    );
    const xv = (xMax * i) / 4;
    parts.push(
      `<text x="${x(xv)}" y="${H - B + 14}" font-size="10" text-anchor="middle">${fmt(xv)}</text>`,
    );
  }
  parts.push(
    `<text x="${(L + W - R) / 2}" y="${H - 6}" font-size="10" text-anchor="middle">seconds</text>`,
    `<text x="12" y="${(T + H - B) / 2}" font-size="10" text-anchor="middle" transform="rotate(-90 12 ${(T + H - B) / 2})">${esc(yLabel)}</text>`,
    `<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#9ca3af"/>`,
    `<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#9ca3af"/>`,
  );
  lines.forEach((l, i) => {
    const color = COLORS[i % COLORS.length] ?? '#000';
    const pts = l.points.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ');
    if (l.points.length > 1) {
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.6" points="${pts}"/>`);
    } else if (l.points[0]) {
      const [a, b] = l.points[0];
      parts.push(`<circle cx="${x(a)}" cy="${y(b)}" r="3" fill="${color}"/>`);
    }
    const lx = L + 8 + (i % perRow) * 140;
    const ly = 26 + 12 * Math.floor(i / perRow);
    parts.push(
      `<rect x="${lx}" y="${ly - 4}" width="10" height="3" fill="${color}"/>`,
      `<text x="${lx + 14}" y="${ly}" font-size="10">${esc(l.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

const rpsLine = (name: string, s: SeriesPoint[]): Line => ({
  name,
  points: s.map((p) => [p.t, p.rps]),
});

function phaseCharts(title: string, endpoints: Array<[string, EndpointStats]>): string {
  const throughput = lineChart(
    `${title}: answers per second`,
    'req/s',
    endpoints.map(([n, s]) => rpsLine(n, s.series)),
  );
  const latency = lineChart(
    `${title}: latency`,
    'ms',
    endpoints.flatMap(([n, s]) => [
      { name: `${n} p50`, points: s.series.map((p): [number, number] => [p.t, p.p50]) },
      { name: `${n} p99`, points: s.series.map((p): [number, number] => [p.t, p.p99]) },
    ]),
  );
  return `<section class="charts"><div>${throughput}</div><div>${latency}</div></section>`;
}

export function renderHtml(r: BenchReport): string {
  const groups: Array<[string, Array<[string, EndpointStats]>]> = [];
  if (r.baseline) groups.push(['Baseline (node:http + one Lua call)', [['baseline', r.baseline]]]);
  const byPhase = new Map<string, Array<[string, EndpointStats]>>();
  for (const e of r.endpoints) {
    const list = byPhase.get(e.phase) ?? [];
    list.push([e.name.replace(/^crowd: /, ''), e.stats]);
    byPhase.set(e.phase, list);
  }
  const titles: Record<string, string> = {
    durable: 'The durable limit (node:http + Lua + grouped publish + bare consumer)',
    crowd: 'The crowd (path → order → result)',
    orders: 'Order requests, fresh path each',
    late: 'Late orders after sell-out',
    streams: 'Order requests without and with SSE streams open',
    matrix: 'Order requests per cell: queue type × group commit',
  };
  for (const [phase, list] of byPhase) groups.push([titles[phase] ?? phase, list]);

  const targets = r.targets
    .map(
      (t) =>
        `<tr class="${t.met === false ? 'miss' : t.met ? 'met' : ''}"><td>${esc(t.name)}</td><td>${t.value ?? 'n/a'}</td><td>${esc(t.goal)}</td><td>${t.met === null ? '·' : t.met ? '✓' : '✗'}</td></tr>`,
    )
    .join('');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Seckill bench — ${esc(r.generatedAt)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#111827;max-width:1360px}
pre{background:#f3f4f6;padding:12px;overflow-x:auto;font-size:12px}
.charts{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0 20px}
table{border-collapse:collapse}td,th{border:1px solid #d1d5db;padding:3px 8px;text-align:left}
tr.miss td{background:#fee2e2}tr.met td{background:#dcfce7}
</style></head><body>
<h1>Seckill bench</h1>
<p>${esc(r.generatedAt)} · ${r.machine.cpus} CPU (${esc(r.machine.cpuModel)}) · Node ${esc(r.machine.node)} · ${esc(JSON.stringify(r.options))}</p>
${r.orderRatio !== null ? `<p><b>orderRatio</b> (order req/s ÷ baseline req/s): <b>${r.orderRatio}</b></p>` : ''}
${r.durableLimitRatio ? `<p><b>durableLimitRatio</b> (order phase ÷ durable limit): accepted <b>${r.durableLimitRatio.accepted ?? 'n/a'}</b> · durable <b>${r.durableLimitRatio.durable ?? 'n/a'}</b></p>` : ''}
${r.durableOrdersPerSec !== null ? `<p><b>durableOrdersPerSec</b> (orders committed in MySQL per second of the order phase): <b>${r.durableOrdersPerSec}</b> · <b>lastCommitLagMs</b> (last accepted order → its commit): <b>${r.lastCommitLagMs ?? 'n/a'}</b></p>` : ''}
${targets ? `<h2>Targets</h2><table><tr><th>target</th><th>value</th><th>goal</th><th></th></tr>${targets}</table>` : ''}
<h2>Summary</h2>
<pre>${esc(formatReport(r))}</pre>
${groups.map(([title, list]) => `<h2>${esc(title)}</h2>${phaseCharts(title, list)}`).join('\n')}
</body></html>
`;
}
