import { describe, expect, it } from 'vitest';
import { parseDuration, parseOptions } from './options.ts';
import { Pacer } from './paced.ts';
import { parseStatus, readReport, type ProcSample } from './procstat.ts';
import { FLAT, formatVerdict, metricVerdict, soakVerdict, type SoakMinute } from './soak.ts';

const proc = (rssMb: number, over: Partial<ProcSample> = {}): ProcSample => ({
  rssMb,
  heapUsedMb: 40,
  heapTotalMb: 60,
  handles: 50,
  fds: 60,
  threads: 11,
  cpuPct: 20,
  reportMs: 30,
  ...over,
});

const minute = (m: number, api: ProcSample, consumer: ProcSample = proc(90)): SoakMinute => ({
  minute: m,
  seconds: m * 60,
  procs: { api, consumer },
  requests: 0,
  rps: 0,
  byKind: {},
  outcomes: {},
});

describe('parseDuration', () => {
  it('reads seconds, minutes, hours and bare seconds', () => {
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('20m')).toBe(1200);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('3m')).toBe(180);
    expect(parseDuration('45')).toBe(45);
    expect(() => parseDuration('20 minutes')).toThrow(/duration/);
    expect(() => parseDuration('5s')).toThrow(/at least/);
  });

  it('takes --soak with its rates, and refuses it with --url or --strategy', () => {
    const o = parseOptions(['--soak', '3m', '--soak-rps', '100'], '/r');
    expect(o).toMatchObject({ soak: 180, soakRps: 100, floodRps: 200 });
    expect(parseOptions([], '/r').soak).toBeNull();
    expect(() => parseOptions(['--soak', '3m', '--url', 'http://x'], '/r')).toThrow(/own stack/);
    expect(() => parseOptions(['--soak', '3m', '--strategy', 'all'], '/r')).toThrow();
  });

  it('takes --matrix alone: not with --url, --soak, --strategy or --phases', () => {
    expect(parseOptions(['--matrix', '--duration', '5'], '/r')).toMatchObject({
      matrix: true,
      duration: 5,
    });
    expect(parseOptions([], '/r').matrix).toBe(false);
    expect(() => parseOptions(['--matrix', '--url', 'http://x'], '/r')).toThrow(/own per cell/);
    expect(() => parseOptions(['--matrix', '--phases', 'orders'], '/r')).toThrow(/--matrix/);
    expect(() => parseOptions(['--matrix', '--strategy', 'all'], '/r')).toThrow(/--matrix/);
  });
});

describe('metricVerdict', () => {
  it('allows +10 % or +20 MB over the reference, whichever is more', () => {
    expect(metricVerdict('rssMb', [100, 110, 119.9])?.flat).toBe(true);
    expect(metricVerdict('rssMb', [100, 121])?.flat).toBe(false);
    expect(metricVerdict('rssMb', [400, 439])).toMatchObject({ flat: true, limit: 440 });
    expect(metricVerdict('rssMb', [400, 441])?.flat).toBe(false);
  });

  it('fails a steady rise inside the allowance, not noise', () => {
    const rising = [100, 101, 102, 103, 104, 105, 106];
    expect(metricVerdict('rssMb', rising)).toMatchObject({ steadyRise: true, flat: false });
    const noisy = [100, 103, 99, 104, 101, 102, 100, 103];
    expect(metricVerdict('rssMb', noisy)).toMatchObject({ steadyRise: false, flat: true });
    // Five rises in a row that add up to less than 2 MB are noise.
    expect(metricVerdict('rssMb', [100, 100.2, 100.4, 100.6, 100.8, 101])?.flat).toBe(true);
  });

  it('counts handles and threads with their own allowances', () => {
    expect(metricVerdict('fds', [60, 85])?.flat).toBe(true);
    expect(metricVerdict('fds', [60, 86])?.flat).toBe(false);
    expect(metricVerdict('threads', [11, 15])?.flat).toBe(true);
    expect(metricVerdict('threads', [11, 16])?.flat).toBe(false);
  });
});

describe('soakVerdict', () => {
  it('takes the end of the warm-up as the reference: minute 5 of 20', () => {
    expect(FLAT.warmupMinutes(20)).toBe(5);
    expect(FLAT.warmupMinutes(3)).toBe(1);
    // RSS grows in the warm-up, then stays.
    const rss = [
      80, 110, 130, 140, 150, 151, 149, 152, 150, 151, 150, 153, 150, 151, 150, 152, 151, 150, 152,
      151,
    ];
    const v = soakVerdict(
      rss.map((r, i) => minute(i + 1, proc(r))),
      20,
    );
    expect(v.referenceMinute).toBe(5);
    expect(v.flat).toBe(true);
    expect(v.processes.map((p) => p.flat)).toEqual([true, true]);
  });

  it('is not flat when one process leaks, and says which figure', () => {
    const v = soakVerdict(
      Array.from({ length: 20 }, (_, i) => minute(i + 1, proc(150), proc(90, { fds: 30 + i * 5 }))),
      20,
    );
    expect(v.flat).toBe(false);
    const consumer = v.processes.find((p) => p.process === 'consumer');
    expect(consumer?.metrics.filter((m) => !m.flat).map((m) => m.metric)).toEqual(['fds']);
    expect(formatVerdict(v).join('\n')).toContain('NOT FLAT');
  });

  it('cannot tell from one minute, and notes a run too short for the steady-rise test', () => {
    expect(soakVerdict([minute(1, proc(100))], 1).flat).toBeNull();
    const v = soakVerdict(
      [1, 2, 3].map((m) => minute(m, proc(100 + m))),
      3,
    );
    expect(v.flat).toBe(true);
    expect(v.notes.join(' ')).toMatch(/steady-rise test needs 5/);
  });

  it('judges what it has when a process gave no report', () => {
    const v = soakVerdict(
      [1, 2].map((m) => minute(m, proc(100, { heapUsedMb: null, handles: null }))),
      2,
    );
    expect(v.processes[0]?.missing).toEqual(['heapUsedMb', 'handles']);
    expect(v.flat).toBe(true);
  });
});

describe('reading a process', () => {
  it('takes VmRSS and Threads from /proc/<pid>/status', () => {
    const status = 'Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t  153600 kB\nThreads:\t11\n';
    expect(parseStatus(status)).toEqual({ rssKb: 153_600, threads: 11 });
  });

  it('counts the libuv handles of a diagnostic report, not the loop', () => {
    const r = readReport({
      javascriptHeap: { usedMemory: 42, totalMemory: 64 },
      libuv: [{ type: 'tcp' }, { type: 'timer' }, { type: 'loop' }],
    });
    expect(r).toEqual({ heapUsed: 42, heapTotal: 64, handles: 2 });
  });

  it('reads its own process', async () => {
    const { ProcWatcher } = await import('./procstat.ts');
    const s = await new ProcWatcher('self', () => process.pid, null).sample();
    expect(s?.rssMb).toBeGreaterThan(10);
    expect(s?.fds).toBeGreaterThan(2);
    expect(s?.heapUsedMb).toBeNull();
  });
});

describe('Pacer', () => {
  it('spreads sends evenly and catches up at most one second', async () => {
    const p = new Pacer(1000);
    const t0 = performance.now();
    for (let i = 0; i < 50; i += 1) await p.take();
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(45);
    expect(ms).toBeLessThan(1000);
  });
});
