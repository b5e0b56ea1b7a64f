"""The Lua scripts the Redis backend runs: each one is a single atomic step on the server."""

from __future__ import annotations

# KEYS[1] = the bucket's hash. ARGV = op, rate, burst, tokens, now ("" = the server's clock).
# Same arithmetic as MemoryBackend's _Bucket: refill, then reserve (into debt), take, refund or
# peek. Numbers go back as strings: Redis would truncate a Lua number to an integer.
BUCKET = """
local op = ARGV[1]
local rate = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local tokens = tonumber(ARGV[4])
local now
if ARGV[5] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
else
  now = tonumber(ARGV[5])
end
local saved = redis.call('HMGET', KEYS[1], 'level', 'stamp')
local level = tonumber(saved[1])
local stamp = tonumber(saved[2])
if level == nil or stamp == nil then
  level = burst
  stamp = now
end
if now > stamp then
  level = math.min(burst, level + (now - stamp) * rate)
  stamp = now
end
local result = 0
if op == 'reserve' then
  level = level - tokens
  if level < 0 then result = -level / rate end
elseif op == 'take' then
  if level >= tokens then
    level = level - tokens
    result = 1
  end
elseif op == 'refund' then
  level = math.min(burst, level + tokens)
else
  result = level
end
redis.call('HSET', KEYS[1], 'level', string.format('%.17g', level), 'stamp', string.format('%.17g', stamp))
-- once full again the bucket equals a new one: let it expire (with a minute to spare)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - level) / rate * 1000) + 60000)
return string.format('%.17g', result)
"""

# KEYS[1] = the breaker's hash. ARGV = expected version, then the new record's fields.
BREAKER_CAS = """
local version = redis.call('HGET', KEYS[1], 'version')
if (version or '0') ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'failures', ARGV[3], 'successes', ARGV[4],
           'probes', ARGV[5], 'opened_at', ARGV[6], 'version', ARGV[7])
return 1
"""
