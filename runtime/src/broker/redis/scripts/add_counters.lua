-- Adds a worker's counts to vetted's shared counter hashes.
-- KEYS[1] rejected, KEYS[2] rejected_by_key, KEYS[3] verified_by_key.
-- ARGV[1] most names per hash, ARGV[2] the name that collects counts beyond it,
-- then for each hash in KEYS order: the number n of names, followed by n pairs of
-- name and count.
-- A name not yet in a full hash is counted under ARGV[2]. Returns 1.
-- A failed call is retried by the worker with the same counts, so nothing may fail
-- after the first write: a key of another type fails the call before it, and a field
-- HINCRBY refuses is rewritten instead, to the count when it is not a whole number and
-- to MaxInt64 when it would overflow.
for k = 1, 3 do
  local kind = redis.call("TYPE", KEYS[k]).ok
  if kind ~= "hash" and kind ~= "none" then
    return redis.error_reply("WRONGTYPE counter key is not a hash")
  end
end
local function add(key, name, count)
  local added = redis.pcall("HINCRBY", key, name, count)
  if type(added) == "table" and added.err then
    local current = redis.call("HGET", key, name) or ""
    if string.match(current, "^%d+$") then
      count = "9223372036854775807"
    end
    redis.call("HSET", key, name, count)
  end
end
local most = tonumber(ARGV[1])
local other = ARGV[2]
local at = 3
for k = 1, 3 do
  local n = tonumber(ARGV[at])
  at = at + 1
  for _ = 1, n do
    local name = ARGV[at]
    local count = ARGV[at + 1]
    at = at + 2
    if redis.call("HEXISTS", KEYS[k], name) == 0 and redis.call("HLEN", KEYS[k]) >= most then
      name = other
    end
    add(KEYS[k], name, count)
  end
end
return 1
