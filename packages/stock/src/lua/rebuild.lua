-- Rebuild a sale's counter from MySQL: restore a buyer mark for every order, then every unit is
-- either marked (an order, or a reservation in flight) or for sale: stock = total - marks.
-- KEYS: 1 stock, 2 meta, 3 buyers, 4 results
-- ARGV: 1 round the orders belong to, 2 stock total, 3 start ms, 4 end ms, 5 price,
--       6 '1' with a waiting room, 7.. userId, orderId pairs of the orders in MySQL
-- Returns {counter before (-1 if missing), counter after}, or {-2} if a reset started another round.
local round = redis.call('HGET', KEYS[2], 'round')
if round and round ~= ARGV[1] then return {-2} end
if not round then
  redis.call('HSET', KEYS[2], 'start', ARGV[3], 'end', ARGV[4], 'price', ARGV[5], 'round', ARGV[1],
    'room', ARGV[6])
end
for i = 7, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[3], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('HSET', KEYS[4], ARGV[i], 'success:' .. ARGV[i + 1])
  end
end
local left = tonumber(ARGV[2]) - redis.call('HLEN', KEYS[3])
if left < 0 then left = 0 end
local before = tonumber(redis.call('GET', KEYS[1]) or '-1')
if before ~= left then redis.call('SET', KEYS[1], left) end
return {before, left}
