import { createPool } from '@seckill/db';
import { OrderPublisher, queueNames } from '@seckill/queue';
import { WalletPayments, type PaymentProvider } from '@seckill/orders';
import {
  createRedis,
  evictingServers,
  StockStore,
  WaitingRoomStore,
  type RedisClient,
  type UserEvent,
} from '@seckill/stock';
import type { Pool } from 'mysql2/promise';
import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import { TokenService } from './http/auth.ts';
import { TokenRevocations } from './http/logout.ts';
import { LoginGuard } from './http/login-guard.ts';
import { LoadShedder, LocalLimiter, RedisLimiter } from './http/rate-limit.ts';
import { ApiMetrics } from './metrics.ts';
import { INSTANCE_ID } from './routes/health.ts';
import { SaleCatalog } from './seckill/catalog.ts';
import { SaleEvents } from './seckill/events.ts';
import { OrderIds } from './seckill/order-ids.ts';
import { PushHub } from './seckill/push.ts';
import { Reconciler } from './seckill/reconcile.ts';
import { RoomRunner } from './seckill/room.ts';
import { SoldOutFlags } from './seckill/sold-out.ts';
import { GoodsStore } from './stores/goods.ts';
import { UserStore } from './stores/users.ts';

/** Everything the routes use, connected once per process. */
export interface Services {
  config: Config;
  log: Logger;
  db: Pool;
  redis: RedisClient;
  stock: StockStore;
  publisher: OrderPublisher;
  tokens: TokenService;
  revocations: TokenRevocations;
  users: UserStore;
  goods: GoodsStore;
  catalog: SaleCatalog;
  reconciler: Reconciler;
  events: SaleEvents;
  soldOut: SoldOutFlags;
  orderIds: OrderIds;
  redisLimiter: RedisLimiter;
  /** Failed logins per account and address, checked before any password is hashed. */
  loginGuard: LoginGuard;
  localLimiter: LocalLimiter;
  /** Global load shedding of this instance, for Koa and the sale's edge alike. */
  shedder: LoadShedder;
  payments: PaymentProvider;
  push: PushHub;
  /** The sales' waiting rooms (Redis), and this instance's admission rounds and place pushes. */
  room: WaitingRoomStore;
  roomRunner: RoomRunner;
  /** Tells shoppers (their streams, on whichever instance) about their orders. */
  pushUserEvents(events: UserEvent[]): Promise<void>;
  /** Prometheus registry (served on METRICS_PORT) and this instance's share of the live view. */
  metrics: ApiMetrics;
  /** Set when the process begins to stop: readiness turns 503 so balancers stop sending. */
  draining: boolean;
  close(): Promise<void>;
}

function redisClient(config: Config) {
  return createRedis(config, {
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
}

export async function createServices(config: Config, log?: Logger): Promise<Services> {
  const logger = log ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const db = createPool(config.mysql, { connectionLimit: 20 });
  const redis = redisClient(config);
  // Subscribed, a connection takes no other command; on a cluster PUBLISH reaches every node.
  const sub = redisClient(config);
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis'));
  sub.on('error', (err) => logger.warn({ err: err.message }, 'redis subscriber'));
  const stock = new StockStore(redis, config.prefix);
  const evicting = await evictingServers(redis).catch(() => []);
  if (evicting.length > 0) {
    const problem = `Redis may evict the shop's keys (stock, buyer marks): set maxmemory-policy noeviction on ${evicting.join(', ')}`;
    if (config.production) throw new Error(problem);
    logger.warn(problem);
  }
  let metrics: ApiMetrics | null = null;
  const publisher = new OrderPublisher({
    url: config.amqpUrl,
    names: queueNames(config.prefix, config.queueType),
    confirmTimeoutMs: config.confirmTimeoutMs,
    groupCommit: config.groupCommit,
    onSent: (orders) => metrics?.published(orders),
    onState: (state, err) =>
      state === 'connected'
        ? logger.info('rabbitmq connected')
        : logger.warn({ err: err?.message }, 'rabbitmq disconnected'),
  });
  await publisher.start();

  const goods = new GoodsStore(db);
  const catalog = new SaleCatalog(goods, stock, config.queue.opensBeforeMs);
  metrics = new ApiMetrics({
    redis,
    prefix: config.prefix,
    instanceId: INSTANCE_ID,
    catalog,
    stock,
  });
  await metrics.start(config.metrics);
  const events = new SaleEvents(redis, sub, config.prefix);
  const soldOut = new SoldOutFlags(config.soldOutFlagMs);
  await events.listen((e) => {
    soldOut.clear(e.goodsId);
    if (e.type === 'changed') catalog.invalidate();
  });
  const reconciler = new Reconciler({
    db,
    goods,
    stock,
    publisher,
    log: logger,
    graceMs: config.reconcileGraceMs,
    onStockChanged: (goodsId) =>
      void events.announce({ type: 'stock_returned', goodsId }).catch(() => {}),
  });
  const users = new UserStore(db);
  const push = new PushHub(redis, sub, stock, {
    prefix: config.prefix,
    ticketTtlMs: config.eventsTicketTtlMs,
    maxStreams: config.eventsMaxStreams,
    maxPerUser: config.eventsMaxPerUser,
    stockIntervalMs: config.eventsStockIntervalMs,
    accountLive: async (id) => (await users.account(id)) !== null,
  });
  await push.start();
  const room = new WaitingRoomStore(redis, config.prefix, {
    ...config.queue,
    // Admitted-and-unused shoppers stay below twice the units left: enough that a shopper who
    // walks away does not hold the line up, not so many that most admitted find it sold out.
    factor: 2,
    maxPerRound: Math.max(1, config.queue.admitPerSecond),
  });
  const roomRunner = new RoomRunner(room, redis, catalog, push, {
    prefix: config.prefix,
    instanceId: INSTANCE_ID,
    tickMs: config.queue.tickMs,
    opensBeforeMs: config.queue.opensBeforeMs,
    log: logger,
  });
  roomRunner.start();
  const tokens = new TokenService(config.jwtSecret, config.jwtTtlSeconds, config.jwtSecretPrevious);
  const revocations = new TokenRevocations(redis, sub, tokens, config.prefix);
  // A logout ends the token's event streams too, wherever they are.
  revocations.onRevoked((jti) => push.endToken(jti));
  await revocations.start();
  const workerId = await redis.incr(`${config.prefix}sk:workers`);
  const localLimiter = new LocalLimiter();
  const redisLimiter = new RedisLimiter(redis, config.prefix);

  return {
    config,
    log: logger,
    db,
    redis,
    stock,
    publisher,
    tokens,
    revocations,
    users,
    goods,
    catalog,
    reconciler,
    events,
    soldOut,
    orderIds: new OrderIds(workerId),
    redisLimiter,
    loginGuard: new LoginGuard(redis, redisLimiter, config.prefix, {
      perAccount: config.limits.loginFailuresPerAccount,
      perAddress: config.limits.loginFailuresPerIp,
    }),
    localLimiter,
    shedder: new LoadShedder(config.limits.globalInflight, config.limits.globalRps),
    payments: new WalletPayments(),
    push,
    room,
    roomRunner,
    pushUserEvents: (events) => push.publish(events),
    metrics,
    draining: false,
    async close() {
      await metrics?.close();
      roomRunner.stop();
      push.close();
      revocations.stop();
      localLimiter.close();
      await reconciler.stop();
      await publisher.close();
      sub.disconnect();
      await redis.quit().catch(() => {});
      await db.end().catch(() => {});
    },
  };
}
