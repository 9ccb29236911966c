-- ForwardIfReady (asynq-protocol §5.13), one batch of at most 100 due tasks.
-- KEYS[1] scheduled or retry set, KEYS[2] pending.
-- ARGV[1] now in Unix seconds, ARGV[2] task key prefix, ARGV[3] now in Unix
-- nanoseconds, ARGV[4] group key prefix.
-- Returns how many ids left KEYS[1]. An id without a hash (or whose task key holds
-- another type) is dropped rather than forwarded, so that no stub hash is created. A
-- group key of another type cannot take the task, which goes to pending instead.
local ids = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", ARGV[1], "LIMIT", 0, 100)
for _, id in ipairs(ids) do
  local key = ARGV[2] .. id
  redis.call("ZREM", KEYS[1], id)
  if redis.call("TYPE", key).ok == "hash" then
    local group = redis.call("HGET", key, "group")
    local group_key = group and group ~= "" and ARGV[4] .. group
    local group_type = group_key and redis.call("TYPE", group_key).ok
    if group_type == "zset" or group_type == "none" then
      redis.call("ZADD", group_key, ARGV[1], id)
      redis.call("HSET", key, "state", "aggregating")
    else
      redis.call("LPUSH", KEYS[2], id)
      redis.call("HSET", key, "state", "pending", "pending_since", ARGV[3])
    end
  end
end
return #ids
