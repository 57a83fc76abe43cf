export type QueueType = 'quorum' | 'classic';

/**
 * Queue names of one deployment; a prefix keeps test runs and deployments apart. `type` is the
 * order queue's: quorum replicates across a broker cluster, classic costs less on one broker.
 */
export function queueNames(prefix: string, type: QueueType = 'quorum') {
  return {
    type,
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
