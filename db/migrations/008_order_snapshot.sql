-- What was bought stays what was bought: an order keeps the sale's name and image as they were
-- when it was written (price and round are already its own), so a seller's edit never rewrites it.
-- Added NULL, filled from each order's sale, then NOT NULL without a default: a writer that forgets
-- the snapshot fails. Repeatable: a rerun fills only the orders still without one.
ALTER TABLE orders
  ADD COLUMN IF NOT EXISTS goods_name VARCHAR(120) NULL AFTER goods_id,
  ADD COLUMN IF NOT EXISTS goods_image VARCHAR(500) NULL AFTER goods_name;

UPDATE orders o JOIN goods g ON g.id = o.goods_id
  SET o.goods_name = g.name, o.goods_image = g.image_url
  WHERE o.goods_name IS NULL;

ALTER TABLE orders
  MODIFY goods_name VARCHAR(120) NOT NULL,
  MODIFY goods_image VARCHAR(500) NOT NULL;
