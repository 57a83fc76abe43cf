-- claim.lua for many reservations of one sale in one call (a consumer's batch).
-- KEYS: 1 buyers, 2 claimed, 3 results
-- ARGV: userId, orderId pairs
-- Returns one code per pair: 1 claimed; 0 drop the message (undone, or the buyer holds another);
-- 2 no trace of it in Redis: MySQL decides.
local out = {}
for i = 1, #ARGV, 2 do
  local user, order = ARGV[i], ARGV[i + 1]
  local holder = redis.call('HGET', KEYS[1], user)
  if holder == order then
    redis.call('HSET', KEYS[2], user, order)
    out[#out + 1] = 1
  elseif holder then
    out[#out + 1] = 0
  elseif redis.call('HGET', KEYS[3], user) == 'undone:' .. order then
    out[#out + 1] = 0
  else
    out[#out + 1] = 2
  end
end
return out
