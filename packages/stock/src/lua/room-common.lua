-- Shared by the waiting room's scripts (prepended to each; see room.ts). Every script of the room
-- takes the same keys:
-- KEYS: 1 meta, 2 stock, 3 buyers, 4 early, 5 line, 6 admitted, 7 info, 8 order, 9 rate
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

-- At the start everyone who joined early is put in a random order (Fisher-Yates from a seed the
-- caller drew from a CSPRNG), then placed 1..n ahead of later arrivals. Once per room.
local function draw(seed)
  if redis.call('HGET', KEYS[7], 'drawn') == '1' then return end
  local early = redis.call('ZRANGE', KEYS[4], 0, -1)
  math.randomseed(tonumber(seed))
  for i = #early, 2, -1 do
    local j = math.random(i)
    early[i], early[j] = early[j], early[i]
  end
  local base = tonumber(redis.call('HGET', KEYS[7], 'next') or '0')
  local args = {}
  for i = 1, #early do
    args[#args + 1] = base + i
    args[#args + 1] = early[i]
    if #args >= 1000 then
      redis.call('ZADD', KEYS[5], unpack(args))
      args = {}
    end
  end
  if #args > 0 then redis.call('ZADD', KEYS[5], unpack(args)) end
  redis.call('HSET', KEYS[7], 'drawn', '1', 'next', base + #early, 'drawnCount', #early,
    'drawnAt', now)
  redis.call('DEL', KEYS[4])
end

-- Where one shopper stands: {code, position, eta seconds, admitted until}; code 0 waiting,
-- 1 admitted, 2 sold out, 3 none; -1 for "not drawn yet" in position and eta.
local function status_of(user, start, rate)
  local stock = tonumber(redis.call('GET', KEYS[2]) or '0')
  local until_ms = redis.call('ZSCORE', KEYS[6], user)
  if until_ms and tonumber(until_ms) > now then
    if stock > 0 or redis.call('HEXISTS', KEYS[3], user) == 1 then
      return {1, -1, 0, tonumber(until_ms)}
    end
  end
  if stock <= 0 then return {2, -1, -1, 0} end
  local place = redis.call('ZSCORE', KEYS[5], user)
  if place then
    local head = redis.call('ZRANGE', KEYS[5], 0, 0, 'WITHSCORES')
    local position = tonumber(place) - tonumber(head[2]) + 1
    -- Beyond the places the cap still lets in, the wait depends on others buying or lapsing: no
    -- estimate rather than a wrong one.
    local free = tonumber(redis.call('HGET', KEYS[7], 'free') or '-1')
    if free >= 0 and position > free then return {0, position, -1, 0} end
    return {0, position, math.ceil(position / rate), 0}
  end
  if redis.call('ZSCORE', KEYS[4], user) then
    return {0, -1, math.max(0, math.ceil((start - now) / 1000)), 0}
  end
  return {3, -1, -1, 0}
end
