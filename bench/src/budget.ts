/**
 * What a rate target leaves the API to spend. Every phase saturates the same machine, so a phase's
 * rate over the baseline's is close to the baseline's CPU per request over the phase's CPU per
 * answer (the report prints both, so the model can be checked against each run). A target of R×
 * therefore allows the whole stack at most baseline ÷ R µs per answer; what the load generator,
 * Redis, the consumer, RabbitMQ and MariaDB used of it is spent, and the rest is the API's budget,
 * printed beside what the API used and what the baseline's own bare server used per request.
 * Pure: no I/O.
 */
import { round } from './stats.ts';

export interface CpuBudget {
  /** The phase, as in the table ('order requests', 'late orders'). */
  name: string;
  /** The rate target, × the baseline. */
  goal: number;
  /** The measured rate over the baseline's. */
  rateRatio: number | null;
  /** The baseline's CPU per request over this phase's per answer (whole stack). */
  cpuRatio: number;
  /** Whole-stack CPU per answer the goal allows: the baseline's total ÷ the goal. */
  allowedUs: number;
  /** What every process but the API used per answer. */
  restUs: number;
  /** What is left for the API: allowed − rest (negative: over before the API does anything). */
  apiBudgetUs: number;
  /** What the API used per answer. */
  apiUs: number;
  /** The baseline's bare `node:http` + one Lua call, its own process, per request. */
  bareServerUs: number;
}

export function cpuBudget(
  name: string,
  goal: number,
  rateRatio: number | null,
  baseline: Record<string, number> | undefined,
  phase: Record<string, number> | undefined,
): CpuBudget | null {
  const baseTotal = baseline?.total;
  const total = phase?.total;
  const api = phase?.api;
  const bare = baseline?.baseline;
  if (!baseTotal || !total || api === undefined || bare === undefined) return null;
  const allowed = baseTotal / goal;
  const rest = total - api;
  return {
    name,
    goal,
    rateRatio,
    cpuRatio: round(baseTotal / total, 3),
    allowedUs: round(allowed, 1),
    restUs: round(rest, 1),
    apiBudgetUs: round(allowed - rest, 1),
    apiUs: api,
    bareServerUs: bare,
  };
}

export function formatBudget(b: CpuBudget): string {
  const rate = b.rateRatio === null ? 'n/a' : `${b.rateRatio.toFixed(2)}×`;
  return (
    `  ${b.name} ≥ ${b.goal}×: the whole stack may use ${b.allowedUs.toFixed(0)} µs per answer ` +
    `(CPU ratio ${b.cpuRatio.toFixed(2)}×, rate ratio ${rate}); all but the API used ` +
    `${b.restUs.toFixed(0)}, leaving the API ${b.apiBudgetUs.toFixed(0)} µs — it used ` +
    `${b.apiUs.toFixed(0)}; the baseline's bare server used ${b.bareServerUs.toFixed(0)} per request`
  );
}
