import { z } from 'zod';

/** Route parameter ids: plain decimal positive integers that fit MySQL's INT UNSIGNED. */
export const IdParam = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, 'must be a positive whole number')
  .transform(Number)
  .pipe(z.number().max(4_294_967_295, 'too large'));

/** NFKC first: `ａｄｍｉｎ` is `admin`, before any other check. */
export const Username = z
  .string()
  .normalize('NFKC')
  .trim()
  .min(3, 'at least 3 characters')
  .max(32, 'at most 32 characters')
  .regex(/^[\p{L}\p{N}_.-]+$/u, 'letters, digits, _ . - only');
export const Password = z.string().min(8, 'at least 8 characters').max(72, 'at most 72 characters');

export const RegisterBody = z.strictObject({ username: Username, password: Password });
export const LoginBody = z.strictObject({
  username: z.string().normalize('NFKC').trim().min(1).max(32),
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
  /** Shoppers join a waiting room and are admitted at a rate before they may buy. */
  waitingRoom: boolean;
  /** With a waiting room: from when shoppers may join it (QUEUE_OPENS_BEFORE_MS before the start). */
  queueOpensAt?: string;
  /** Set on archived sales (admin only): off the storefront, books kept. */
  archivedAt?: string;
}
export interface SaleListResponse {
  items: Sale[];
  /** Sales matching the filters, over every page. */
  total: number;
  page: number;
  pageSize: number;
  serverTime: string;
}
/** What the storefront filters on: `active` is a sale in its window, sold out or not. */
export const SaleFilter = z.enum(['upcoming', 'active', 'ended', 'sold_out']);
export type SaleFilter = z.infer<typeof SaleFilter>;
/** `status` may repeat (`status=active&status=upcoming`) or list values with commas, or both. */
const StatusList = z
  .union([z.string(), z.array(z.string()).max(8)])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter(Boolean))
  .pipe(z.array(SaleFilter).max(8));
export const GoodsQuery = z.strictObject({
  status: StatusList.optional(),
  q: z.string().trim().max(120).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type GoodsQuery = z.infer<typeof GoodsQuery>;
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

/**
 * Text shown to others holds no control characters (C0, DEL, C1: NUL among them) and no bidi
 * controls (U+061C, U+200E–F, U+202A–E, U+2066–9), which can make a name read as another.
 */
const HIDDEN = /[\p{Cc}\p{Bidi_Control}]/u;
/** The same, with line breaks and tabs allowed: for text of several lines. */
const HIDDEN_BUT_LINES = /(?![\n\t])[\p{Cc}\p{Bidi_Control}]/u;
const PlainLine = z
  .string()
  .trim()
  .refine((v) => !HIDDEN.test(v), {
    error: 'must not contain control characters or text-direction marks',
  });
const PlainText = z
  .string()
  .trim()
  .refine((v) => !HIDDEN_BUT_LINES.test(v), {
    error:
      'must not contain control characters (line breaks and tabs are fine) or text-direction marks',
  });

/** Sale times lie in this century: year 0001 or 9999 is a typo, and MySQL and Redis misread it. */
const SALE_TIME_MIN = Date.UTC(2000, 0, 1);
const SALE_TIME_MAX = Date.UTC(2100, 0, 1);
const SaleTime = z.iso.datetime({ offset: true }).refine(
  (v) => {
    const t = Date.parse(v);
    return t >= SALE_TIME_MIN && t <= SALE_TIME_MAX;
  },
  { error: 'must be between 2000-01-01 and 2100-01-01 (UTC)' },
);

const SaleFields = {
  name: PlainLine.min(1).max(120),
  description: PlainText.max(2000),
  imageUrl: ImageUrl,
  price: z.number().int().positive().max(MAX_CENTS),
  seckillPrice: z.number().int().positive().max(MAX_CENTS),
  stock: z.number().int().min(0).max(1_000_000),
  startAt: SaleTime,
  endAt: SaleTime,
  /** Omitted: off on create, unchanged on edit. */
  waitingRoom: z.boolean().optional(),
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
/** What a reset would undo: its pending orders are cancelled and its paid ones refunded. */
export interface ResetPreview {
  pending: number;
  paid: number;
  refundCents: number;
}
export interface ResetResponse extends SaleResponse {
  refunded: number;
  refundCents: number;
  cancelled: number;
}

export const OrderResultStatus = z.enum(['queued', 'success', 'sold_out', 'failed', 'none']);
export type OrderResultStatus = z.infer<typeof OrderResultStatus>;
export interface OrderResult {
  status: OrderResultStatus;
  orderId?: string;
}
export interface OrderQueuedResponse {
  status: 'queued';
}

/** An order's life: it waits for payment until its deadline, then is paid, cancelled or expired. */
export const OrderStatus = z.enum(['pending_payment', 'paid', 'cancelled', 'expired']);
export type OrderStatus = z.infer<typeof OrderStatus>;
/** Pending and paid orders hold a unit; cancelled and expired ones gave it back. */
export const LIVE_ORDER_STATUSES = ['pending_payment', 'paid'] as const satisfies OrderStatus[];

/** Order ids are snowflakes: decimal strings that fit MySQL's BIGINT UNSIGNED. */
export const OrderIdParam = z
  .string()
  .regex(/^[1-9][0-9]{0,19}$/, 'must be an order number')
  .refine((v) => !/^\d+$/.test(v) || BigInt(v) <= 18_446_744_073_709_551_615n, 'too large');

export interface Order {
  id: string;
  goodsId: number;
  goodsName: string;
  imageUrl: string;
  price: number;
  status: OrderStatus;
  createdAt: string;
  /** The payment deadline, on the server's clock. */
  expiresAt: string;
  paidAt?: string;
  /** When the order was cancelled (by the shopper or a stock reset) or expired. */
  cancelledAt?: string;
}
export interface OrderListResponse {
  items: Order[];
}
export interface OrderResponse {
  item: Order;
}

export const WalletEntryKind = z.enum(['signup', 'seed', 'credit', 'debit', 'refund']);
export type WalletEntryKind = z.infer<typeof WalletEntryKind>;
/** One line of a wallet's append-only ledger; debits are negative, in integer cents. */
export interface WalletEntry {
  id: string;
  kind: WalletEntryKind;
  amount: number;
  orderId?: string;
  note?: string;
  createdAt: string;
}
const PageNumber = z.coerce.number().int().min(1).max(100_000);
export const WalletQuery = z.strictObject({
  page: PageNumber.default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type WalletQuery = z.infer<typeof WalletQuery>;
export interface WalletResponse {
  balance: number;
  entries: WalletEntry[];
  page: number;
  pageSize: number;
  total: number;
}
export const CreditBody = z.strictObject({
  amount: z.number().int().positive().max(MAX_CENTS),
  note: PlainLine.min(1).max(200),
});
export type CreditBody = z.infer<typeof CreditBody>;
export interface CreditResponse {
  userId: number;
  balance: number;
  entry: WalletEntry;
}

/**
 * Where a shopper stands in a sale's waiting room (`GET|POST /api/seckill/:id/queue`):
 * - `waiting`: in line; `position` is the 1-based place among those still waiting, or null
 *   before the start, when the order of everyone who joined early is not drawn yet;
 * - `admitted`: may ask for a purchase path until `admittedUntil`;
 * - `sold_out`: the stock is gone (pending payments counted); the room admits again if units
 *   come back; `none`: not in the room.
 */
export const QueueState = z.enum(['waiting', 'admitted', 'sold_out', 'none']);
export type QueueState = z.infer<typeof QueueState>;
export interface QueueStatus {
  status: QueueState;
  position: number | null;
  /** Seconds until admission at the room's rate (before the start: until the start and after). */
  etaSeconds: number | null;
  admittedUntil?: string;
}
/** A sale's waiting room, for the admin dashboard. */
export interface RoomStats {
  /** In line now (drawn or not yet). */
  waiting: number;
  /** Admissions still valid and not yet used for an order. */
  admitted: number;
  joined: number;
  admittedTotal: number;
  /** Admissions that ran out unused; their slots went to the next shoppers. */
  lapsed: number;
  admitPerSecond: number;
  /** Admissions over the last minute, per second. */
  admittedPerSecondLastMinute: number;
}

/** A one-time ticket that opens the event stream (EventSource cannot send an Authorization header). */
export interface EventTicketResponse {
  ticket: string;
  expiresInMs: number;
}
/** What the event stream (`GET /api/events`) pushes, as the SSE event name and its JSON data. */
export type ShopEvent =
  /** Sent first on every (re)connect: the client re-reads what it shows, then listens. */
  | { type: 'hello'; serverTime: string }
  /** The outcome of an order request, as GET /api/seckill/:id/result would answer it. */
  | { type: 'result'; goodsId: number; status: OrderResultStatus; orderId?: string }
  /** An order changed state (paid, cancelled, expired). */
  | { type: 'order'; orderId: string; goodsId: number; status: OrderStatus }
  /** A watched sale's stock moved (at most about once a second per sale). */
  | { type: 'stock'; goodsId: number; stockLeft: number }
  /** The shopper's place in a watched sale's waiting room changed (admitted, sold out, moved). */
  | ({ type: 'queue'; goodsId: number } & QueueStatus);
export type ShopEventType = ShopEvent['type'];

export interface SaleStats {
  id: number;
  name: string;
  status: SaleStatus;
  stock: number;
  stockLeftDb: number;
  stockLeftRedis: number | null;
  /** Live orders (pending + paid) of the current round. */
  orders: number;
  pending: number;
  paid: number;
  cancelled: number;
  expired: number;
  /** Paid orders' prices, in cents. */
  revenue: number;
  /** The waiting room's figures; null for a sale without one. */
  room: RoomStats | null;
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
  /** Live orders of the current round: pending + paid count as sold. */
  ordersDb: number;
  pending: number;
  paid: number;
  /** Cancelled + expired orders of the current round: their units went back on sale. */
  returned: number;
  buyersRedis: number;
  /** Buyer marks in Redis without an order in MySQL: in flight, or lost. */
  markedWithoutOrder: number;
  /** Orders in MySQL without a buyer mark in Redis (Redis lost them). */
  ordersWithoutMark: number;
  queue: { ready: number; deadLetters: number };
  /** Units Redis would sell beyond what MySQL has: they would end as "sold out" after "queued". */
  redisAhead: number;
  /** Buyers with more than one live order. */
  duplicates: number;
  oversold: number;
  undersold: number;
  /** The money: ledger debits less refunds against the prices of paid orders (every round). */
  money: {
    debits: number;
    refunds: number;
    paidPrices: number;
    /** Paid orders without exactly one debit, and refunds without a debit. */
    mismatched: number;
    /** Orders that are paid and carry a refund, or returned and carry an unrefunded debit. */
    paidAndReturned: number;
  };
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

export const UserSearchQuery = z.strictObject({ q: z.string().trim().max(32).default('') });
export interface AdminUser {
  id: number;
  username: string;
  role: Role;
  balance: number;
}
export interface AdminUserListResponse {
  items: AdminUser[];
}

/** `GET /api/admin/goods`: the sales on the storefront, or with `archived=1` the archived ones. */
export const AdminGoodsQuery = z.strictObject({
  archived: z.enum(['0', '1']).default('0'),
});
/** Archiving an open sale with live orders needs `?confirm=1`, else 409 CONFIRM_REQUIRED. */
export const ArchiveQuery = z.strictObject({ confirm: z.enum(['0', '1']).default('0') });
export interface AdminSaleListResponse {
  items: Sale[];
  serverTime: string;
}

export const AuditAction = z.enum([
  'create',
  'edit',
  'reset',
  'archive',
  'restore',
  'repair',
  'wallet_credit',
]);
export type AuditAction = z.infer<typeof AuditAction>;
export const AuditQuery = z.strictObject({
  goodsId: IdParam.optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type AuditQuery = z.infer<typeof AuditQuery>;
/** One admin action: who, when, what, on which sale, and the figures before and after. */
export interface AuditEntry {
  id: string;
  at: string;
  /** The admin's username. */
  actor: string;
  actorId: number;
  action: AuditAction;
  goodsId: number | null;
  /** The user the action was about (a wallet credit). */
  userId: number | null;
  before: unknown;
  after: unknown;
}
export interface AuditResponse {
  items: AuditEntry[];
  total: number;
  page: number;
  pageSize: number;
}
