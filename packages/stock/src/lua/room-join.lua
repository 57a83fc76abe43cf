-- Join a sale's waiting room; joining again keeps the place. Before the draw a shopper goes into
-- the early set (shuffled at the start); after it, to the back of the line.
-- ARGV: 1 userId, 2 opens-before ms, 3 seed, 4 admissions per second
-- Returns a status (see status_of), or {-5} not warmed, {-8} no room, {-3} not open yet, {-4} ended.
local meta = redis.call('HMGET', KEYS[1], 'start', 'end', 'room')
if not meta[1] or not redis.call('GET', KEYS[2]) then return {-5} end
if meta[3] ~= '1' then return {-8} end
local start = tonumber(meta[1])
if now < start - tonumber(ARGV[2]) then return {-3} end
if now >= tonumber(meta[2]) then return {-4} end
if now >= start then draw(ARGV[3]) end
local user = ARGV[1]
local until_ms = redis.call('ZSCORE', KEYS[6], user)
local placed = (until_ms and tonumber(until_ms) > now)
  or redis.call('ZSCORE', KEYS[5], user) or redis.call('ZSCORE', KEYS[4], user)
  or redis.call('HEXISTS', KEYS[3], user) == 1
if not placed then
  if redis.call('HGET', KEYS[7], 'drawn') == '1' then
    redis.call('ZADD', KEYS[5], redis.call('HINCRBY', KEYS[7], 'next', 1), user)
  else
    redis.call('ZADD', KEYS[4], now, user)
  end
  redis.call('HINCRBY', KEYS[7], 'joined', 1)
end
return status_of(user, start, tonumber(ARGV[4]))
