-- Reserve one unit for a buyer, atomically. Every key shares the sale's hash tag.
-- KEYS: 1 stock, 2 meta, 3 buyers, 4 results, 5 path (of this user)
-- ARGV: 1 userId, 2 path token, 3 orderId
-- Returns {code, price, round}; codes are named in stock.ts.
-- The path is used up by any attempt (a caller without it learns nothing else), except one that
-- Redis refuses at its memory ceiling: the first write of a sale is the DECR, which Redis refuses
-- then (a script that has written runs to its end), so nothing is written and the path still works.
local path = redis.call('GET', KEYS[5])
local function refuse(code)
  if path then redis.call('DEL', KEYS[5]) end
  return {code}
end
if not path or path ~= ARGV[2] then return refuse(-1) end
local meta = redis.call('HMGET', KEYS[2], 'start', 'end', 'price', 'round')
local stock = redis.call('GET', KEYS[1])
-- Never sell from a counter that is not there (Redis restarted or flushed): wait for the rebuild.
if not meta[1] or not stock then return refuse(-5) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now < tonumber(meta[1]) then return refuse(-3) end
if now >= tonumber(meta[2]) then return refuse(-4) end
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then return refuse(-2) end
if tonumber(stock) <= 0 then return refuse(0) end
redis.call('DECR', KEYS[1])
redis.call('DEL', KEYS[5])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
redis.call('HDEL', KEYS[4], ARGV[1])
return {1, tonumber(meta[3]), tonumber(meta[4])}
