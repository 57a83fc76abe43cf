-- A sale may put its shoppers in a waiting room: they join before the start, are drawn into a
-- random order at the start and admitted at a rate (the room itself lives in Redis).
ALTER TABLE goods
  ADD COLUMN waiting_room TINYINT(1) NOT NULL DEFAULT 0 AFTER archived_at;
