-- ForwardIfReady (asynq-protocol §5.13), one batch of at most 100 due tasks.
-- KEYS[1] scheduled or retry set, KEYS[2] pending.
-- ARGV[1] now in Unix seconds, ARGV[2] task key prefix, ARGV[3] now in Unix
-- nanoseconds, ARGV[4] group key prefix.
-- Returns how many ids left KEYS[1]. An id without a hash is dropped rather than
-- forwarded, so that no stub hash is created.
local ids = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", ARGV[1], "LIMIT", 0, 100)
for _, id in ipairs(ids) do
  local key = ARGV[2] .. id
  redis.call("ZREM", KEYS[1], id)
  if redis.call("EXISTS", key) == 1 then
    local group = redis.call("HGET", key, "group")
    if group and group ~= "" then
      redis.call("ZADD", ARGV[4] .. group, ARGV[1], id)
      redis.call("HSET", key, "state", "aggregating")
    else
      redis.call("LPUSH", KEYS[2], id)
      redis.call("HSET", key, "state", "pending", "pending_since", ARGV[3])
    end
  end
end
return #ids
