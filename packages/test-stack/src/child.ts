import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository's root: the scripts of the stack are started from there. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface NodeChildOptions {
  /** Repository-relative TypeScript entry, run through tsx (e.g. `server/src/main.ts`). */
  script: string;
  env: NodeJS.ProcessEnv;
  /** Called with each whole line the child writes (stdout and stderr). */
  onLine?: (line: string) => void;
  /** node flags before the script (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** Modules preloaded with `--import` after tsx. */
  imports?: string[];
  /** Lines of output kept for `output()`: all (the fault scenarios read their logs) or a tail. */
  keepLines?: number;
}

/** Every child still running, so an exit of the parent (or Ctrl-C) ends them too. */
const running = new Set<NodeChild>();
process.on('exit', () => {
  for (const c of running) if (c.running) c.proc.kill('SIGKILL');
});

/** One process of the stack (an API, a consumer, a baseline), started as production runs it. */
export class NodeChild {
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;
  private lines: string[] = [];
  private readonly keep: number;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    opts: NodeChildOptions,
  ) {
    this.keep = opts.keepLines ?? Number.POSITIVE_INFINITY;
    const preload = (opts.imports ?? []).flatMap((m) => ['--import', m]);
    this.proc = spawn(
      process.execPath,
      [...(opts.nodeArgs ?? []), '--import', 'tsx', ...preload, opts.script],
      { cwd: REPO_ROOT, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // Whole lines only: a chunk may end in the middle of one.
    const reader = () => {
      let rest = '';
      return (chunk: Buffer) => {
        const text = rest + chunk.toString('utf8');
        const cut = text.lastIndexOf('\n');
        rest = text.slice(cut + 1);
        for (const line of text.slice(0, cut + 1).split('\n')) {
          if (!line) continue;
          opts.onLine?.(line);
          this.lines.push(line);
          if (this.lines.length > this.keep) this.lines.shift();
        }
        for (const w of this.waiters) w();
      };
    };
    this.proc.stdout?.on('data', reader());
    this.proc.stderr?.on('data', reader());
    this.exited = new Promise((r) => this.proc.once('exit', (code) => r(code)));
    running.add(this);
    void this.exited.then(() => {
      running.delete(this);
      for (const w of this.waiters) w();
    });
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** What the child has written (its kept lines), one line per line. */
  output(): string {
    return this.lines.join('\n');
  }

  /** Resolves once a line matching `ready` was written; rejects if the child exits or time runs out. */
  waitForLine(ready: RegExp, timeoutMs = 30_000): Promise<this> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error('did not start')), timeoutMs);
      const check = () => {
        if (ready.test(this.output())) done(null);
        else if (!this.running) done(new Error(`exited with ${this.proc.exitCode}`));
      };
      const done = (err: Error | null) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (err) reject(new Error(`${this.name}: ${err.message}: ${this.output().slice(-2000)}`));
        else resolve(this);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Sends `signal` and waits for the exit; a stopped child is continued so it can act on it. */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.running) return;
    this.proc.kill(signal);
    if (signal !== 'SIGKILL') this.proc.kill('SIGCONT');
    await this.exited;
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.kill('SIGTERM');
    clearTimeout(timer);
  }

  /** SIGSTOP: the child holds what it has in hand and does nothing until `resume`. */
  pause(): void {
    if (this.running) this.proc.kill('SIGSTOP');
  }

  /** SIGCONT. */
  resume(): void {
    if (this.running) this.proc.kill('SIGCONT');
  }
}
