-- Record committed orders of one sale for polling and make each buyer mark name its order: the
-- orders one consumer transaction wrote, in one call.
-- KEYS: 1 stock, 2 buyers, 3 results
-- ARGV: triples of userId, orderId now in MySQL, orderId that message reserved
-- Returns how many orders it settled.
for i = 1, #ARGV, 3 do
  local user, order, reserved = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local holder = redis.call('HGET', KEYS[2], user)
  if holder ~= order then
    redis.call('HSET', KEYS[2], user, order)
    if holder == reserved then
      -- A unit was reserved for a buyer whose order already existed: it goes back.
      if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCR', KEYS[1]) end
    elseif not holder then
      -- Redis had no trace of this order (keys rebuilt meanwhile): count it now.
      local stock = tonumber(redis.call('GET', KEYS[1]))
      if stock and stock > 0 then redis.call('DECR', KEYS[1]) end
    end
  end
  redis.call('HSET', KEYS[3], user, 'success:' .. order)
end
return #ARGV / 3
