import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';

/**
 * Every statement on `goods`. Each takes the pool or the caller's transaction; the goods row is
 * the first lock of every transaction that moves a unit.
 */

export async function lockGoodsVersion(tx: PoolConnection, goodsId: number) {
  const [rows] = await tx.execute<RowDataPacket[]>(
    'SELECT version FROM goods WHERE id = ? FOR UPDATE',
    [goodsId],
  );
  return rows[0];
}

export async function lockGoodsRow(tx: PoolConnection, goodsId: number): Promise<void> {
  await tx.execute('SELECT id FROM goods WHERE id = ? FOR UPDATE', [goodsId]);
}

/** Puts returned units back into stock_left, for the current round (`version`) only. */
export async function returnUnits(
  tx: PoolConnection,
  goodsId: number,
  version: number,
  units: number,
): Promise<void> {
  await tx.execute('UPDATE goods SET stock_left = stock_left + ? WHERE id = ? AND version = ?', [
    units,
    goodsId,
    version,
  ]);
}

/** A sale's row as MySQL holds it. */
export interface GoodsRecord extends RowDataPacket {
  id: number;
  name: string;
  description: string;
  image_url: string;
  price: number;
  seckill_price: number;
  stock_total: number;
  stock_left: number;
  start_at: Date;
  end_at: Date;
  version: number;
  archived_at: Date | null;
  waiting_room: number;
}

/** A sale's details as an admin writes them (prices in cents). */
export interface GoodsDetails {
  name: string;
  description: string;
  imageUrl: string;
  price: number;
  seckillPrice: number;
  startAt: Date;
  endAt: Date;
  waitingRoom: boolean;
}

const COLUMNS =
  'id, name, description, image_url, price, seckill_price, stock_total, stock_left, start_at, end_at, version, archived_at, waiting_room';

export async function selectListedGoods(db: Pool) {
  const [rows] = await db.query<GoodsRecord[]>(
    `SELECT ${COLUMNS} FROM goods WHERE archived_at IS NULL ORDER BY start_at DESC, id DESC`,
  );
  return rows;
}

export async function selectArchivedGoods(db: Pool, limit: number) {
  const [rows] = await db.query<GoodsRecord[]>(
    `SELECT ${COLUMNS} FROM goods WHERE archived_at IS NOT NULL ORDER BY archived_at DESC, id DESC LIMIT ?`,
    [limit],
  );
  return rows;
}

export async function selectGoods(db: Pool, id: number) {
  const [rows] = await db.execute<GoodsRecord[]>(`SELECT ${COLUMNS} FROM goods WHERE id = ?`, [id]);
  return rows[0];
}

export async function lockGoods(tx: PoolConnection, id: number) {
  const [rows] = await tx.execute<GoodsRecord[]>(
    `SELECT ${COLUMNS} FROM goods WHERE id = ? FOR UPDATE`,
    [id],
  );
  return rows[0];
}

/** A new sale's values up to its waiting room: all its stock left. */
const newGoodsValues = (s: Omit<GoodsDetails, 'waitingRoom'> & { stock: number }) => [
  s.name,
  s.description,
  s.imageUrl,
  s.price,
  s.seckillPrice,
  s.stock,
  s.stock,
  s.startAt,
  s.endAt,
];

/** A new sale with all its stock left; its id. */
export async function insertGoods(
  tx: PoolConnection,
  s: GoodsDetails & { stock: number },
): Promise<number> {
  const [res] = await tx.execute<ResultSetHeader>(
    `INSERT INTO goods (name, description, image_url, price, seckill_price, stock_total, stock_left, start_at, end_at, waiting_room)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [...newGoodsValues(s), s.waitingRoom ? 1 : 0],
  );
  return res.insertId;
}

/** A sale's details; its stock and stock round stay as they are. */
export async function updateGoodsDetails(
  tx: PoolConnection,
  id: number,
  s: GoodsDetails,
): Promise<void> {
  await tx.execute(
    `UPDATE goods SET name = ?, description = ?, image_url = ?, price = ?, seckill_price = ?, start_at = ?, end_at = ?,
       waiting_room = ?
     WHERE id = ?`,
    [
      s.name,
      s.description,
      s.imageUrl,
      s.price,
      s.seckillPrice,
      s.startAt,
      s.endAt,
      s.waitingRoom ? 1 : 0,
      id,
    ],
  );
}

export async function setGoodsArchived(
  tx: PoolConnection,
  id: number,
  archive: boolean,
): Promise<void> {
  await tx.execute(`UPDATE goods SET archived_at = ${archive ? 'NOW(3)' : 'NULL'} WHERE id = ?`, [
    id,
  ]);
}

/** A new stock round: stock set anew, the version moved on. */
export async function restockGoods(tx: PoolConnection, id: number, stock: number): Promise<void> {
  await tx.execute(
    'UPDATE goods SET stock_total = ?, stock_left = ?, version = version + 1 WHERE id = ?',
    [stock, stock, id],
  );
}

/** The seed's statements, sent as text (not prepared) as it always has. */
export async function seedSelectGoodsId(db: Pool, name: string) {
  const [rows] = await db.query<RowDataPacket[]>('SELECT id FROM goods WHERE name = ?', [name]);
  return rows[0] as { id: number } | undefined;
}

/** A demo sale, in the waiting room; its id. */
export async function seedInsertGoods(
  db: Pool,
  s: Omit<GoodsDetails, 'waitingRoom'> & { stock: number },
): Promise<number> {
  const [res] = await db.query<ResultSetHeader>(
    `INSERT INTO goods (name, description, image_url, price, seckill_price, stock_total, stock_left, start_at, end_at, waiting_room)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
    newGoodsValues(s),
  );
  return res.insertId;
}

export async function seedLockGoods(tx: PoolConnection, id: number): Promise<void> {
  await tx.query('SELECT id FROM goods WHERE id = ? FOR UPDATE', [id]);
}

/** A new stock round for a demo sale, re-timed. */
export async function seedRestockGoods(
  tx: PoolConnection,
  id: number,
  s: { stock: number; startAt: Date; endAt: Date },
): Promise<void> {
  await tx.query(
    `UPDATE goods SET stock_total = ?, stock_left = ?, start_at = ?, end_at = ?, version = version + 1 WHERE id = ?`,
    [s.stock, s.stock, s.startAt, s.endAt, id],
  );
}

/**
 * The order writer's first round trip (its pool runs multiple statements per query): opens the
 * transaction and locks the sale's row, with MySQL's clock. The sale's row (its round, stock, and
 * the name and image its new orders keep), or undefined.
 */
export async function beginAndLockStock(tx: PoolConnection, goodsId: number) {
  const [read] = await tx.query<RowDataPacket[][]>(
    `START TRANSACTION;
     SELECT version, stock_left, name, image_url, NOW(3) AS now FROM goods WHERE id = ? FOR UPDATE`,
    [goodsId],
  );
  return read[1]?.[0];
}

/** Takes `?` units off `stock_left` of sale `?` if it has `?` left; joined to the writer's INSERT. */
export const TAKE_STOCK_SQL =
  'UPDATE goods SET stock_left = stock_left - ? WHERE id = ? AND stock_left >= ?';

/** The books check's read of a sale (inside its snapshot). */
export async function selectStockBooks(db: Pool | PoolConnection, goodsId: number) {
  const [rows] = await db.execute<RowDataPacket[]>(
    'SELECT name, stock_total, stock_left, version FROM goods WHERE id = ?',
    [goodsId],
  );
  return rows;
}

// The lab's designs (lab mode only): the sale sold straight in MySQL, each its own way.

/** A sale's stock, price and round, and whether its window is open; `FOR UPDATE` when asked. */
export async function labReadGoods(db: Pool | PoolConnection, goodsId: number, lock: boolean) {
  const [rows] = await db.execute<RowDataPacket[]>(
    `SELECT stock_left, seckill_price, version, start_at <= NOW(3) AS started, end_at > NOW(3) AS open
     FROM goods WHERE id = ?${lock ? ' FOR UPDATE' : ''}`,
    [goodsId],
  );
  return rows[0];
}

/** Writes back a stock read earlier: the naive design's lost update. */
export async function labWriteStock(db: Pool, goodsId: number, stockLeft: number): Promise<void> {
  await db.execute('UPDATE goods SET stock_left = ? WHERE id = ?', [stockLeft, goodsId]);
}

/** Takes one unit if the version is still `version`; affectedRows 0 when it moved or none is left. */
export async function labTakeUnitAtVersion(tx: PoolConnection, goodsId: number, version: number) {
  const [res] = await tx.execute<ResultSetHeader>(
    `UPDATE goods SET stock_left = stock_left - 1, version = version + 1
     WHERE id = ? AND version = ? AND stock_left > 0`,
    [goodsId, version],
  );
  return res;
}

/** Takes one unit from a sale whose row the caller holds locked. */
export async function labTakeUnit(tx: PoolConnection, goodsId: number): Promise<void> {
  await tx.execute('UPDATE goods SET stock_left = stock_left - 1 WHERE id = ?', [goodsId]);
}
