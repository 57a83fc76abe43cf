-- Check the captcha and, while the sale is open, store a one-time purchase path for the user.
-- KEYS: 1 captcha (of this user), 2 meta, 3 stock, 4 buyers, 5 path (of this user),
--       6 the waiting room's admissions (zset userId -> valid until ms)
-- ARGV: 1 captcha answer (lower case), 2 wrong tries that void the captcha, 3 path token,
--       4 path TTL in ms, 5 '1' to skip the captcha (load-test key), 6 userId
local meta = redis.call('HMGET', KEYS[2], 'start', 'end', 'room')
local stock = redis.call('GET', KEYS[3])
if not meta[1] or not stock then return -5 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
-- The window is checked before the captcha so an early click does not burn it.
if now < tonumber(meta[1]) then return -3 end
if now >= tonumber(meta[2]) then return -4 end
-- A waiting-room sale gives paths only to admitted shoppers (the load-test key too); the captcha
-- of one who is not is left alone. A buyer or a sold-out sale is told so rather than "wait".
if meta[3] == '1' then
  local until_ms = redis.call('ZSCORE', KEYS[6], ARGV[6])
  if not until_ms or tonumber(until_ms) <= now then
    if redis.call('HEXISTS', KEYS[4], ARGV[6]) == 1 then return -2 end
    if tonumber(stock) <= 0 then return 0 end
    return -7
  end
end
local captcha = ARGV[5] ~= '1'
if captcha then
  local answer = redis.call('HGET', KEYS[1], 'a')
  if not answer then return -6 end
  if answer ~= ARGV[1] then
    if redis.call('HINCRBY', KEYS[1], 'n', 1) >= tonumber(ARGV[2]) then redis.call('DEL', KEYS[1]) end
    return -6
  end
end
-- A right answer is used up. The SET goes before that DEL: Redis refuses it at its memory ceiling
-- (the first write decides for the whole script), and the captcha is then still good.
local outcome = 1
if redis.call('HEXISTS', KEYS[4], ARGV[6]) == 1 then outcome = -2
elseif tonumber(stock) <= 0 then outcome = 0 end
if outcome ~= 1 then
  if captcha then redis.call('DEL', KEYS[1]) end
  return outcome
end
redis.call('SET', KEYS[5], ARGV[3], 'PX', ARGV[4])
if captcha then redis.call('DEL', KEYS[1]) end
return 1
