-- idx_orders_goods (goods_id) is a prefix of idx_orders_goods_round (goods_id, round, status),
-- which serves every query by sale and the foreign key to goods as well. Every order the consumer
-- writes kept both up to date; the narrower one never answered a query the wider could not.
ALTER TABLE orders DROP INDEX idx_orders_goods;
