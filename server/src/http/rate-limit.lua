-- Fixed-window counter: KEYS[1] the window's key, ARGV[1] window length in ms. Returns the count.
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
