import { z } from 'zod';

/**
 * The environment every process reads, as zod schemas: the shared part once, each process's own
 * part beside its config. An empty value means "use the default"; a bad one stops the process
 * with a message naming the variable.
 */
const blank = (v: unknown) => (v === '' ? undefined : v);

/** A whole number of at least `min` (ms, counts, limits; 0 often turns a feature off). */
export const count = (fallback: number, min = 0) =>
  z.preprocess(
    blank,
    z.coerce
      .number()
      .refine(Number.isInteger, { error: `must be a whole number ≥ ${min}` })
      .refine((n) => n >= min, { error: `must be a whole number ≥ ${min}` })
      .default(fallback),
  );
export const text = (fallback: string) => z.preprocess(blank, z.string().default(fallback));
/** '1' turns it on, '0' or nothing leaves it off. */
export const flag = () =>
  z.preprocess(
    blank,
    z
      .enum(['0', '1'], { error: 'must be 0 or 1' })
      .default('0')
      .transform((v) => v === '1'),
  );

/** `host:port,host:port,…`: the seed nodes of a Redis Cluster; empty = the one server of REDIS_URL. */
export const hostPorts = () =>
  z.preprocess(
    blank,
    z
      .string()
      .default('')
      .transform((v, ctx) => {
        const nodes = v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => /^(.+):(\d{1,5})$/.exec(s));
        if (nodes.some((m) => !m || Number(m[2]) < 1 || Number(m[2]) > 65535)) {
          ctx.addIssue({ code: 'custom', message: 'must be host:port,host:port,…' });
          return z.NEVER;
        }
        return nodes.map((m) => ({ host: m![1]!, port: Number(m![2]) }));
      }),
  );

export const SharedEnv = z.object({
  NODE_ENV: text('development'),
  MYSQL_HOST: text('127.0.0.1'),
  MYSQL_PORT: count(3306, 1),
  MYSQL_USER: text('root'),
  MYSQL_PASSWORD: z.string().default(''),
  MYSQL_DATABASE: text('seckill'),
  REDIS_URL: text('redis://127.0.0.1:6379'),
  /** Set, every process talks to this Redis Cluster instead of REDIS_URL. */
  REDIS_CLUSTER_NODES: hostPorts(),
  AMQP_URL: text('amqp://guest:guest@127.0.0.1:5672'),
  /** Prefix of every Redis key and queue name: keeps deployments and test runs apart. */
  SECKILL_PREFIX: z.string().default(''),
  PUBLISH_CONFIRM_TIMEOUT_MS: count(3000),
  /** The order queue's type: quorum (replicated in a broker cluster) or classic. */
  AMQP_QUEUE_TYPE: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['quorum', 'classic'], { error: 'must be quorum or classic' }).default('quorum'),
  ),
  /** How long a written order waits for payment (the consumer sets it; the API shows it). */
  PAYMENT_TIMEOUT_MS: count(900_000, 1),
  /**
   * This process's Prometheus port (GET /metrics), apart from the API's; unset = no metrics
   * server, 0 = any free port (tests). Every process of a host needs its own.
   */
  METRICS_PORT: z.preprocess(
    blank,
    z.coerce
      .number()
      .refine((n) => Number.isInteger(n) && n >= 0 && n <= 65535, {
        error: 'must be a port number (0-65535)',
      })
      .optional(),
  ),
  /** Where the metrics server listens: loopback unless a scraper elsewhere must reach it. */
  METRICS_HOST: text('127.0.0.1'),
});

export function readEnv<T extends z.ZodObject>(
  schema: T,
  env: Record<string, string | undefined> = process.env,
): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const name = String(i.path[0]);
    return `${name} ${i.message} (got "${env[name] ?? ''}")`;
  });
  throw new Error(`Invalid environment: ${problems.join('; ')}`);
}
