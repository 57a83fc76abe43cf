-- Put units of orders that left the live states (cancelled, expired) back on sale, after MySQL
-- committed the transition: each buyer's mark is lifted, so they may buy again — through the
-- waiting room's line again if the sale has one: their admission goes, so the unit goes to the
-- next shopper in line rather than back to the one who gave it up.
-- Only the round the orders belong to gets them back (a reset since started afresh), and only a
-- mark that still names the order (idempotent: a replay, or a buyer who has bought again, is left).
-- KEYS: 1 stock, 2 meta, 3 buyers, 4 claimed, 5 results, 6 the waiting room's admissions
-- ARGV: 1 round, 2.. userId, orderId pairs
-- Returns the number of units put back, or -1 when the round has changed.
local round = redis.call('HGET', KEYS[2], 'round')
if round and round ~= ARGV[1] then return -1 end
local n = 0
for i = 2, #ARGV, 2 do
  if redis.call('HGET', KEYS[3], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[3], ARGV[i])
    redis.call('HDEL', KEYS[4], ARGV[i])
    redis.call('HSET', KEYS[5], ARGV[i], 'returned:' .. ARGV[i + 1])
    redis.call('ZREM', KEYS[6], ARGV[i])
    n = n + 1
  end
end
-- A missing counter is rebuilt from MySQL (total - marks), which already counts these units.
if n > 0 and redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCRBY', KEYS[1], n) end
return n
