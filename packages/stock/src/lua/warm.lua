-- Load a sale into Redis from MySQL. The window, price and round are always refreshed; the stock
-- counter and buyer marks only when the counter is missing (first start, or Redis lost it) or on
-- a reset, because a live counter is ahead of MySQL by the orders still in flight.
-- KEYS: 1 stock, 2 meta, 3 buyers, 4 claimed, 5 results
-- ARGV: 1 start ms, 2 end ms, 3 price, 4 round, 5 stock, 6 '1' to reset, 7.. userId, orderId pairs
redis.call('HSET', KEYS[2], 'start', ARGV[1], 'end', ARGV[2], 'price', ARGV[3], 'round', ARGV[4])
if ARGV[6] == '1' then
  redis.call('DEL', KEYS[1], KEYS[3], KEYS[4], KEYS[5])
elseif redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
for i = 7, #ARGV, 2 do
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  redis.call('HSET', KEYS[5], ARGV[i], 'success:' .. ARGV[i + 1])
end
redis.call('SET', KEYS[1], ARGV[5])
return 1
