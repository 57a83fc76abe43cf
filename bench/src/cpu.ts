import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time used by each process of the stack (Linux /proc), so a phase can say what one request
 * cost each of them — a figure that holds even when other work shares the machine.
 */
const CLK_TCK = 100;

const SERVICES: Record<string, string[]> = {
  redis: ['redis-server'],
  rabbitmq: ['beam.smp'],
  mariadb: ['mariadbd', 'mysqld'],
};

function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

function readOr<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

function servicePids(): Record<string, number[]> {
  const found: Record<string, number[]> = {};
  for (const e of readOr(() => readdirSync('/proc'), [] as string[])) {
    if (!/^\d+$/.test(e)) continue;
    const comm = readOr(() => readFileSync(`/proc/${e}/comm`, 'utf8').trim(), '');
    for (const [name, comms] of Object.entries(SERVICES)) {
      if (comms.includes(comm)) (found[name] ??= []).push(Number(e));
    }
  }
  return found;
}

export type CpuSnapshot = Map<string, number>;

export class CpuMeter {
  private readonly services = servicePids();

  /** `own`: the bench's processes by name (bench, api, consumer, baseline), read at each snapshot. */
  constructor(private readonly own: () => Record<string, number | undefined>) {}

  snapshot(): CpuSnapshot {
    const snap: CpuSnapshot = new Map();
    const add = (name: string, pid: number) => {
      const s = cpuSeconds(pid);
      if (s !== null) snap.set(name, (snap.get(name) ?? 0) + s);
    };
    for (const [name, pid] of Object.entries(this.own())) if (pid) add(name, pid);
    for (const [name, pids] of Object.entries(this.services))
      for (const pid of pids) add(name, pid);
    return snap;
  }
}

/** CPU microseconds per answer, by process, between two snapshots; "total" sums them. */
export function cpuPerAnswer(
  before: CpuSnapshot,
  after: CpuSnapshot,
  answers: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  if (answers <= 0) return out;
  let total = 0;
  for (const [name, end] of after) {
    const start = before.get(name);
    if (start === undefined) continue;
    const us = ((end - start) * 1e6) / answers;
    if (us < 0.05) continue;
    out[name] = Math.round(us * 10) / 10;
    total += us;
  }
  out.total = Math.round(total * 10) / 10;
  return out;
}
