-- Where shoppers stand in a sale's waiting room (read only).
-- ARGV: 1 admissions per second, 2.. userIds
-- Returns {drawn (0/1)} followed by one status (4 numbers, see status_of) per user, or {-1}
-- when the sale has no room (or is not warmed).
local meta = redis.call('HMGET', KEYS[1], 'start', 'room')
if not meta[1] or meta[2] ~= '1' then return {-1} end
local start = tonumber(meta[1])
local rate = tonumber(ARGV[1])
local out = {redis.call('HGET', KEYS[7], 'drawn') == '1' and 1 or 0}
for i = 2, #ARGV do
  local s = status_of(ARGV[i], start, rate)
  -- After the start and before the draw (at most a tick), an early shopper waits for it.
  if s[1] == 0 and s[2] == -1 and now >= start then s[3] = 0 end
  for j = 1, 4 do out[#out + 1] = s[j] end
end
return out
