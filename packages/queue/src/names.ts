/** Queue names of one deployment; a prefix keeps test runs and deployments apart. */
export function queueNames(prefix: string) {
  return {
    orders: `${prefix}seckill.orders`,
    deadExchange: `${prefix}seckill.orders.dlx`,
    dead: `${prefix}seckill.orders.dead`,
  };
}
export type QueueNames = ReturnType<typeof queueNames>;
