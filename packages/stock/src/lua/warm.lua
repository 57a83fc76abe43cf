-- Load a sale's window, price and round into Redis; on a reset, also start the round afresh.
-- A live counter is left alone (it is ahead of MySQL by the orders in flight); a missing one is
-- rebuilt by rebuild.lua, which also restores the buyer marks.
-- KEYS: 1 stock, 2 meta, 3 buyers, 4 claimed, 5 results
-- ARGV: 1 start ms, 2 end ms, 3 price, 4 round, 5 stock, 6 '1' to reset, 7 '1' with a waiting room
redis.call('HSET', KEYS[2], 'start', ARGV[1], 'end', ARGV[2], 'price', ARGV[3], 'round', ARGV[4], 'room', ARGV[7])
if ARGV[6] == '1' then
  redis.call('DEL', KEYS[1], KEYS[3], KEYS[4], KEYS[5])
  redis.call('SET', KEYS[1], ARGV[5])
  return 1
end
return redis.call('EXISTS', KEYS[1])
