import cliProgress from 'cli-progress';

/** A progress bar with ETA on stderr (plain lines every few seconds when stderr is not a terminal). */
export class Progress {
  private readonly bar: cliProgress.SingleBar;
  private readonly started = Date.now();

  constructor(title: string, total: number, unit = '') {
    this.bar = new cliProgress.SingleBar(
      {
        format: `${title.padEnd(30)} [{bar}] {percentage}% | ETA {eta_formatted} | {value}/{total}${unit ? ` ${unit}` : ''} | {rate}/s`,
        barsize: 24,
        stream: process.stderr,
        noTTYOutput: true,
        notTTYSchedule: 3000,
        etaBuffer: 20,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(Math.max(1, Math.round(total)), 0, { rate: 0 });
  }

  /** `rate`: requests (or items) per second so far; by default value per second. */
  update(value: number, rate?: number) {
    const seconds = (Date.now() - this.started) / 1000;
    const r = rate ?? (seconds > 0 ? value / seconds : 0);
    this.bar.update(Math.round(value), { rate: Math.round(r) });
  }

  stop() {
    this.bar.stop();
  }
}

/** Runs `fn` while a bar counts its own progress (for steps that are not HTTP load). */
export async function withProgress<T>(
  title: string,
  total: number,
  fn: (tick: (value: number) => void) => Promise<T>,
): Promise<T> {
  const p = new Progress(title, total);
  try {
    return await fn((v) => p.update(v));
  } finally {
    p.stop();
  }
}
