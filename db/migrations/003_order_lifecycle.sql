-- The order lifecycle: an order waits for payment until expires_at, then is paid, cancelled or
-- expired, each transition once (a conditional UPDATE with the state it leaves in its WHERE).
-- Orders outlive their stock round (round = goods.version when ordered): a reset cancels them
-- instead of deleting them, and refunds the paid ones.
ALTER TABLE orders
  ADD COLUMN round INT UNSIGNED NOT NULL DEFAULT 0 AFTER price,
  ADD COLUMN status ENUM('pending_payment', 'paid', 'cancelled', 'expired') NOT NULL DEFAULT 'pending_payment' AFTER round,
  ADD COLUMN expires_at DATETIME(3) NULL AFTER status,
  ADD COLUMN paid_at DATETIME(3) NULL AFTER expires_at,
  ADD COLUMN cancelled_at DATETIME(3) NULL AFTER paid_at;

-- Orders written before the lifecycle existed were never paid: they get the usual time to pay.
UPDATE orders o JOIN goods g ON g.id = o.goods_id
  SET o.round = g.version, o.expires_at = o.committed_at + INTERVAL 15 MINUTE;
ALTER TABLE orders MODIFY expires_at DATETIME(3) NOT NULL;

-- At most one live (pending or paid) order per buyer and sale: MariaDB has no partial index, so the
-- unique key covers a column that is NULL once the order is cancelled or expired (NULLs never clash).
ALTER TABLE orders
  ADD COLUMN live_goods_id INT UNSIGNED AS (IF(status IN ('pending_payment', 'paid'), goods_id, NULL)) PERSISTENT,
  DROP INDEX uk_orders_user_goods,
  ADD UNIQUE KEY uk_orders_live_buyer (user_id, live_goods_id),
  ADD KEY idx_orders_user (user_id, created_at),
  ADD KEY idx_orders_goods_round (goods_id, round, status),
  ADD KEY idx_orders_pending (status, expires_at);

-- The wallet: a balance per user in integer cents that never goes below zero, and an append-only
-- ledger; one debit and one refund per order at most (NULL order ids, for credits, never clash).
ALTER TABLE users ADD COLUMN balance BIGINT UNSIGNED NOT NULL DEFAULT 0;

CREATE TABLE wallet_entries (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id INT UNSIGNED NOT NULL,
  order_id BIGINT UNSIGNED NULL,
  amount BIGINT NOT NULL,
  kind ENUM('signup', 'seed', 'credit', 'debit', 'refund') NOT NULL,
  note VARCHAR(200) NULL,
  actor_id INT UNSIGNED NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uk_wallet_order_kind (order_id, kind),
  KEY idx_wallet_user (user_id, id),
  CONSTRAINT fk_wallet_user FOREIGN KEY (user_id) REFERENCES users (id),
  CONSTRAINT ck_wallet_sign CHECK ((kind = 'debit') = (amount < 0) AND amount <> 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TRIGGER wallet_entries_append_only_u BEFORE UPDATE ON wallet_entries FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'wallet_entries is append-only';
CREATE TRIGGER wallet_entries_append_only_d BEFORE DELETE ON wallet_entries FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'wallet_entries is append-only';
