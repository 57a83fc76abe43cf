-- When the consumer wrote the order (created_at is when the shopper ordered): the gap is the
-- queue's lag, which the bench reports.
ALTER TABLE orders ADD COLUMN committed_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3);
