-- ListLeaseExpired (asynq-protocol §5.15), keeping ids whose msg is missing, measuring
-- each msg before reading it, and repairing the lease set first: an active id without
-- a lease (asynq#1144) gets one ending now, so that a later call lists it once the
-- recoverer's margin has passed for it too; an expired lease whose id is not active is
-- a stale entry, and is removed instead of listed. A task key of another type is
-- listed like a missing hash, so that one such key cannot fail every recovery pass.
-- KEYS[1] lease, KEYS[2] active. ARGV[1] cutoff in Unix seconds, ARGV[2] task key
-- prefix, ARGV[3] msg size cap, ARGV[4] now in Unix seconds.
-- Returns {{id, msg length, msg or nil}, ...}; msg is nil when missing or over the cap.
local active = {}
for _, id in ipairs(redis.call("LRANGE", KEYS[2], 0, -1)) do
  active[id] = true
  redis.call("ZADD", KEYS[1], "NX", ARGV[4], id)
end
local cap = tonumber(ARGV[3])
local found = {}
for _, id in ipairs(redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", ARGV[1])) do
  if active[id] then
    local key = ARGV[2] .. id
    if redis.call("TYPE", key).ok ~= "hash" then
      found[#found + 1] = {id, 0}
    else
      local len = redis.call("HSTRLEN", key, "msg")
      if len <= cap then
        found[#found + 1] = {id, len, redis.call("HGET", key, "msg")}
      else
        found[#found + 1] = {id, len}
      end
    end
  else
    redis.call("ZREM", KEYS[1], id)
  end
end
return found
