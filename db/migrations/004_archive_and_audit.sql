-- Archiving takes a sale off the storefront without touching its orders, payments or books;
-- restoring clears the mark. NULL: on sale.
ALTER TABLE goods
  ADD COLUMN archived_at DATETIME(3) NULL AFTER version,
  ADD KEY idx_goods_archived (archived_at, start_at);

-- Every admin action, append-only like the wallet's ledger: who, when, what, which sale, and the
-- figures before and after (JSON). Written in the transaction of the action where it is in MySQL.
CREATE TABLE audit_log (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  actor_id INT UNSIGNED NOT NULL,
  action ENUM('create', 'edit', 'reset', 'archive', 'restore', 'repair', 'wallet_credit') NOT NULL,
  goods_id INT UNSIGNED NULL,
  user_id INT UNSIGNED NULL,
  before_json JSON NULL,
  after_json JSON NULL,
  PRIMARY KEY (id),
  KEY idx_audit_goods (goods_id, id),
  CONSTRAINT fk_audit_actor FOREIGN KEY (actor_id) REFERENCES users (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TRIGGER audit_log_append_only_u BEFORE UPDATE ON audit_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
CREATE TRIGGER audit_log_append_only_d BEFORE DELETE ON audit_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
