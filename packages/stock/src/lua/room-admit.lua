-- One admission round of a sale's waiting room (run by one instance for all: see room.ts).
-- Draws the early joiners at the start, lapses admissions unused past their time, and admits
-- from the head of the line at the room's rate (a bucket of at most one second's admissions),
-- never leaving more admitted-and-unused shoppers than the stock left times `factor`.
-- ARGV: 1 seed, 2 admissions per second, 3 admission TTL ms, 4 factor, 5 at most this many now
-- Returns {admitted now, waiting, stock left, lapsed now, unused admissions, admitted until ms,
-- admitted userIds...},
-- or {-1} when the sale has no room or is outside its window.
local meta = redis.call('HMGET', KEYS[1], 'start', 'end', 'room')
if not meta[1] or meta[3] ~= '1' then return {-1} end
if now < tonumber(meta[1]) or now >= tonumber(meta[2]) then return {-1} end
draw(ARGV[1])
local rate = tonumber(ARGV[2])

local lapsed = 0
for _, user in ipairs(redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', now)) do
  if redis.call('HEXISTS', KEYS[3], user) == 0 then lapsed = lapsed + 1 end
end
redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', now)
if lapsed > 0 then redis.call('HINCRBY', KEYS[7], 'lapsed', lapsed) end

local unused = 0
for _, user in ipairs(redis.call('ZRANGE', KEYS[6], 0, -1)) do
  if redis.call('HEXISTS', KEYS[3], user) == 0 then unused = unused + 1 end
end

local stock = tonumber(redis.call('GET', KEYS[2]) or '0')
local bucket = redis.call('HMGET', KEYS[7], 'tokens', 'tokensAt')
local tokens = tonumber(bucket[1] or rate)
local at = tonumber(bucket[2] or now)
tokens = math.min(rate, tokens + (now - at) * rate / 1000)
local room = 0
if stock > 0 then room = math.floor(stock * tonumber(ARGV[4])) - unused end
local n = math.min(math.floor(tokens), room, tonumber(ARGV[5]))
local until_ms = now + tonumber(ARGV[3])
local out = {0, 0, stock, lapsed, unused, until_ms}
if n > 0 then
  local popped = redis.call('ZPOPMIN', KEYS[5], n)
  for i = 1, #popped, 2 do
    local user = popped[i]
    redis.call('ZADD', KEYS[6], until_ms, user)
    redis.call('HSET', KEYS[8], user, redis.call('HINCRBY', KEYS[7], 'admitted', 1))
    out[#out + 1] = tonumber(user)
  end
  local admitted = #popped / 2
  out[1] = admitted
  out[5] = unused + admitted
  tokens = tokens - admitted
  if admitted > 0 then
    local sec = math.floor(now / 1000)
    redis.call('HINCRBY', KEYS[9], sec, admitted)
    if redis.call('HLEN', KEYS[9]) > 90 then
      for _, f in ipairs(redis.call('HKEYS', KEYS[9])) do
        if tonumber(f) < sec - 60 then redis.call('HDEL', KEYS[9], f) end
      end
    end
  end
end
-- Places beyond this many cannot be admitted until admitted shoppers buy or lapse (see status_of).
redis.call('HSET', KEYS[7], 'tokens', tokens, 'tokensAt', now, 'free', math.max(0, room - out[1]))
out[2] = redis.call('ZCARD', KEYS[5]) + redis.call('ZCARD', KEYS[4])
return out
