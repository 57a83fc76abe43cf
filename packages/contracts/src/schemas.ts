import { z } from 'zod';

/** Route parameter ids: plain decimal positive integers that fit MySQL's INT UNSIGNED. */
export const IdParam = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, 'must be a positive whole number')
  .transform(Number)
  .pipe(z.number().max(4_294_967_295, 'too large'));

export const Username = z
  .string()
  .trim()
  .min(3, 'at least 3 characters')
  .max(32, 'at most 32 characters')
  .regex(/^[\p{L}\p{N}_.-]+$/u, 'letters, digits, _ . - only');
export const Password = z.string().min(8, 'at least 8 characters').max(72, 'at most 72 characters');

export const RegisterBody = z.strictObject({ username: Username, password: Password });
export const LoginBody = z.strictObject({
  username: z.string().trim().min(1).max(32),
  password: z.string().min(1).max(72),
});
export type RegisterBody = z.infer<typeof RegisterBody>;
export type LoginBody = z.infer<typeof LoginBody>;

export const Role = z.enum(['user', 'admin']);
export type Role = z.infer<typeof Role>;

export interface PublicUser {
  id: number;
  username: string;
  role: Role;
}
export interface AuthResponse {
  token: string;
  user: PublicUser;
}

export const CaptchaAnswer = z
  .string()
  .trim()
  .min(1)
  .max(12)
  .regex(/^[A-Za-z0-9]+$/, 'letters and digits only');
export const PathBody = z.strictObject({ captcha: CaptchaAnswer });
export type PathBody = z.infer<typeof PathBody>;
export interface PathResponse {
  path: string;
}

/** Path tokens are 32 url-safe base64 characters (24 random bytes). */
export const PathToken = z.string().regex(/^[A-Za-z0-9_-]{32}$/);

export const SaleStatus = z.enum(['upcoming', 'active', 'sold_out', 'ended']);
export type SaleStatus = z.infer<typeof SaleStatus>;

export interface Sale {
  id: number;
  name: string;
  description: string;
  imageUrl: string;
  /** Prices in integer cents. */
  price: number;
  seckillPrice: number;
  stock: number;
  stockLeft: number;
  startAt: string;
  endAt: string;
  status: SaleStatus;
}
export interface SaleListResponse {
  items: Sale[];
  serverTime: string;
}
export interface SaleResponse {
  item: Sale;
  serverTime: string;
}

const MAX_CENTS = 100_000_000; // ¥1,000,000.00
const ImageUrl = z
  .string()
  .trim()
  .max(500)
  .refine((v) => v === '' || /^\/[A-Za-z0-9/_.-]+$/.test(v) || /^https?:\/\/[^\s<>"']+$/.test(v), {
    error: 'a site path (/images/…) or an http(s) URL',
  });

const SaleFields = {
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000),
  imageUrl: ImageUrl,
  price: z.number().int().positive().max(MAX_CENTS),
  seckillPrice: z.number().int().positive().max(MAX_CENTS),
  stock: z.number().int().min(0).max(1_000_000),
  startAt: z.iso.datetime({ offset: true }),
  endAt: z.iso.datetime({ offset: true }),
};

function checkSale(
  v: { price?: number; seckillPrice?: number; startAt?: string; endAt?: string },
  ctx: z.RefinementCtx,
) {
  if (v.price !== undefined && v.seckillPrice !== undefined && v.seckillPrice > v.price) {
    ctx.addIssue({ code: 'custom', path: ['seckillPrice'], message: 'must not exceed the price' });
  }
  if (v.startAt && v.endAt && Date.parse(v.endAt) <= Date.parse(v.startAt)) {
    ctx.addIssue({ code: 'custom', path: ['endAt'], message: 'must be after the start' });
  }
}

export const SaleCreateBody = z.strictObject(SaleFields).superRefine(checkSale);
export type SaleCreateBody = z.infer<typeof SaleCreateBody>;
const { stock: _stock, ...DetailFields } = SaleFields;
/** Editing replaces the sale's details; stock changes go through reset. */
export const SaleUpdateBody = z.strictObject(DetailFields).superRefine(checkSale);
export type SaleUpdateBody = z.infer<typeof SaleUpdateBody>;
export const ResetBody = z.strictObject({ stock: SaleFields.stock });
export type ResetBody = z.infer<typeof ResetBody>;

export const OrderResultStatus = z.enum(['queued', 'success', 'sold_out', 'failed', 'none']);
export type OrderResultStatus = z.infer<typeof OrderResultStatus>;
export interface OrderResult {
  status: OrderResultStatus;
  orderId?: string;
}
export interface OrderQueuedResponse {
  status: 'queued';
}

export interface Order {
  id: string;
  goodsId: number;
  goodsName: string;
  imageUrl: string;
  price: number;
  createdAt: string;
}
export interface OrderListResponse {
  items: Order[];
}

export interface SaleStats {
  id: number;
  name: string;
  status: SaleStatus;
  stock: number;
  stockLeftDb: number;
  stockLeftRedis: number | null;
  orders: number;
}
export interface StatsResponse {
  items: SaleStats[];
  queue: { ready: number; deadLetters: number; consumers: number };
  serverTime: string;
}

/**
 * One sale's books, MySQL against Redis. Read while nothing is in flight, the last three figures
 * must be 0: oversold (orders beyond the stock), undersold (units held by a buyer mark with no
 * order, or gone from Redis without an order), and buyers with more than one order.
 */
export interface ConsistencyReport {
  goodsId: number;
  name: string;
  stockTotal: number;
  stockLeftDb: number;
  /** null: Redis has lost the sale's counter. */
  stockLeftRedis: number | null;
  ordersDb: number;
  buyersRedis: number;
  /** Buyer marks in Redis without an order in MySQL: in flight, or lost. */
  markedWithoutOrder: number;
  /** Orders in MySQL without a buyer mark in Redis (Redis lost them). */
  ordersWithoutMark: number;
  queue: { ready: number; deadLetters: number };
  /** Units Redis would sell beyond what MySQL has: they would end as "sold out" after "queued". */
  redisAhead: number;
  duplicates: number;
  oversold: number;
  undersold: number;
  exact: boolean;
}

export interface ReconcileResult {
  goodsId: number;
  /** The counter before and after, when it was rebuilt. */
  stock: { before: number | null; after: number } | null;
  /** Reservations without an order or a message that were handed to the queue again. */
  requeued: number;
  skipped?: 'busy' | 'queue_not_empty' | 'round_changed' | 'queue_unreachable';
}

export interface ConsistencyResponse {
  report: ConsistencyReport;
}
export interface ReconcileResponse {
  result: ReconcileResult;
  report: ConsistencyReport | null;
}
