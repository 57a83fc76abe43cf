/** Queue names of one deployment; a prefix keeps test runs and deployments apart. */
export function queueNames(prefix: string) {
  return {
    orders: `${prefix}seckill.orders`,
    deadExchange: `${prefix}seckill.orders.dlx`,
    dead: `${prefix}seckill.orders.dead`,
    /** Payment deadlines wait here (per-message TTL), then dead-letter into `expiry`. */
    expiryDelay: `${prefix}seckill.expiry.delay`,
    expiryExchange: `${prefix}seckill.expiry.dlx`,
    expiry: `${prefix}seckill.expiry`,
  };
}
export type QueueNames = ReturnType<typeof queueNames>;
