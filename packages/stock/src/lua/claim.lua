-- The consumer takes a reservation before writing it, so the API can no longer undo it.
-- KEYS: 1 buyers, 2 claimed, 3 results
-- ARGV: 1 userId, 2 orderId
-- Returns 1 claimed; 0 drop the message (the reservation was undone, or the buyer holds another);
-- 2 no trace of it in Redis (keys lost or a reset since): MySQL decides, by unique key and round.
local holder = redis.call('HGET', KEYS[1], ARGV[1])
if holder == ARGV[2] then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  return 1
end
if holder then return 0 end
if redis.call('HGET', KEYS[3], ARGV[1]) == 'undone:' .. ARGV[2] then return 0 end
return 2
