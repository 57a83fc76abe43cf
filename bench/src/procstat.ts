import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What a process of the stack holds, read from outside it: memory, file descriptors and threads
 * from Linux /proc, and — for a child started with a report directory (Stack's reportDir) — the
 * V8 heap and the libuv handles from a Node diagnostic report it writes on a signal.
 */
export interface ProcSample {
  /** Resident set size (VmRSS), MB. */
  rssMb: number;
  /** V8 heap in use and reserved, MB (from the diagnostic report; null without one). */
  heapUsedMb: number | null;
  heapTotalMb: number | null;
  /** libuv handles (sockets, timers, signals, …; the loop itself not counted), null without a report. */
  handles: number | null;
  /** Open file descriptors (/proc/<pid>/fd). */
  fds: number;
  threads: number;
  /** CPU used since the previous sample, % of one core. */
  cpuPct: number | null;
  /** How long the process took to write its report, ms (it pauses its event loop meanwhile). */
  reportMs: number | null;
}

const MB = 1024 * 1024;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** VmRSS (kB) and Threads of /proc/<pid>/status. */
export function parseStatus(text: string): { rssKb: number; threads: number } {
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1]);
  return { rssKb: field('VmRSS'), threads: field('Threads') };
}

/** utime + stime of /proc/<pid>/stat, in clock ticks. */
function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** What a diagnostic report says about the heap and the handles. */
export function readReport(report: unknown): {
  heapUsed: number;
  heapTotal: number;
  handles: number;
} {
  const r = report as {
    javascriptHeap?: { usedMemory?: number; totalMemory?: number };
    libuv?: Array<{ type?: string }>;
  };
  return {
    heapUsed: Number(r.javascriptHeap?.usedMemory ?? NaN),
    heapTotal: Number(r.javascriptHeap?.totalMemory ?? NaN),
    handles: (r.libuv ?? []).filter((h) => h.type !== 'loop').length,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Samples one process: /proc always, a diagnostic report when `reportDir` is given. */
export class ProcWatcher {
  private lastTicks: number | null = null;
  private lastAt = 0;

  constructor(
    readonly name: string,
    private readonly pid: () => number | undefined,
    private readonly reportDir: string | null,
    private readonly signal: NodeJS.Signals = 'SIGUSR2',
  ) {}

  async sample(): Promise<ProcSample | null> {
    const pid = this.pid();
    if (!pid) return null;
    let status: { rssKb: number; threads: number };
    let fds: number;
    try {
      status = parseStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
      fds = readdirSync(`/proc/${pid}/fd`).length;
    } catch {
      return null; // it has exited
    }
    const ticks = cpuTicks(pid);
    const now = Date.now();
    let cpuPct: number | null = null;
    if (ticks !== null && this.lastTicks !== null && now > this.lastAt) {
      // 100 clock ticks per second on Linux: ticks / 100 s of CPU over (now − last) / 1000 s.
      cpuPct = round1(((ticks - this.lastTicks) * 1000) / (now - this.lastAt));
    }
    this.lastTicks = ticks;
    this.lastAt = now;
    const report = this.reportDir ? await this.report(pid) : null;
    return {
      rssMb: round1(status.rssKb / 1024),
      heapUsedMb: report ? round1(report.heapUsed / MB) : null,
      heapTotalMb: report ? round1(report.heapTotal / MB) : null,
      handles: report ? report.handles : null,
      fds,
      threads: status.threads,
      cpuPct,
      reportMs: report ? report.ms : null,
    };
  }

  /**
   * Signals the process and reads the report it writes (then deletes it: it holds the process's
   * environment). Only a process whose command line asked for reports is signalled — the default
   * action of SIGUSR2 would end any other.
   */
  private async report(pid: number) {
    const dir = this.reportDir;
    if (!dir) return null;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes('--report-on-signal')) return null;
    await removeReports(dir);
    const t0 = Date.now();
    process.kill(pid, this.signal);
    const until = t0 + 10_000;
    while (Date.now() < until) {
      await sleep(25);
      const files = (await readdir(dir).catch(() => [] as string[])).filter((f) =>
        f.endsWith('.json'),
      );
      for (const f of files) {
        const text = await readFile(join(dir, f), 'utf8').catch(() => '');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          continue; // still being written
        }
        const ms = Date.now() - t0;
        await unlink(join(dir, f)).catch(() => {});
        return { ...readReport(parsed), ms };
      }
    }
    return null;
  }
}

async function removeReports(dir: string) {
  for (const f of await readdir(dir).catch(() => [] as string[])) {
    if (f.endsWith('.json')) await unlink(join(dir, f)).catch(() => {});
  }
}
