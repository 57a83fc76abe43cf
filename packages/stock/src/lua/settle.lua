-- Record a committed order for polling and make the buyer mark name it.
-- KEYS: 1 stock, 2 buyers, 3 results
-- ARGV: 1 userId, 2 orderId now in MySQL, 3 orderId this message reserved
local holder = redis.call('HGET', KEYS[2], ARGV[1])
if holder ~= ARGV[2] then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  if holder == ARGV[3] then
    -- A unit was reserved for a buyer whose order already existed: it goes back.
    if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCR', KEYS[1]) end
  elseif not holder then
    -- Redis had no trace of this order (keys rebuilt meanwhile): count it now.
    local stock = tonumber(redis.call('GET', KEYS[1]))
    if stock and stock > 0 then redis.call('DECR', KEYS[1]) end
  end
end
redis.call('HSET', KEYS[3], ARGV[1], 'success:' .. ARGV[2])
return 1
