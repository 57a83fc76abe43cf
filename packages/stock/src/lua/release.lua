-- Undo a reservation: remove the buyer mark and return the unit, unless it is not this
-- reservation any more, or (when the API asks) the consumer has already taken it.
-- KEYS: 1 stock, 2 buyers, 3 claimed, 4 results
-- ARGV: 1 userId, 2 orderId, 3 '1' if a claimed reservation may be undone (consumer), 4 result to
--       record ('' leaves a tombstone so a late message of this reservation is dropped),
--       5 '1' to return the unit to stock
local holder = redis.call('HGET', KEYS[2], ARGV[1])
if holder ~= ARGV[2] then
  -- Not this reservation. If nobody holds the mark (Redis lost it), the consumer's verdict is
  -- still the buyer's final answer.
  if not holder and ARGV[3] == '1' and ARGV[4] ~= '' then redis.call('HSET', KEYS[4], ARGV[1], ARGV[4]) end
  return 0
end
if ARGV[3] ~= '1' and redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then return -1 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if ARGV[5] == '1' and redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCR', KEYS[1]) end
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[4], ARGV[1], ARGV[4])
else
  redis.call('HSET', KEYS[4], ARGV[1], 'undone:' .. ARGV[2])
end
return 1
