-- Shared by the scripts that finish a task: the daily and lifetime counters of
-- asynq-protocol §5.8, with EXPIREAT on a new daily key and the MaxInt64 reset.

local function count_daily(key, expire_at)
  if redis.call("INCR", key) == 1 then
    redis.call("EXPIREAT", key, expire_at)
  end
end

-- failed_key may be nil when only the processed counter moves.
local function count_total(processed_key, failed_key, max_int)
  local total = redis.call("GET", processed_key)
  if tonumber(total) == tonumber(max_int) then
    redis.call("SET", processed_key, 1)
    if failed_key then
      redis.call("SET", failed_key, 1)
    end
  else
    redis.call("INCR", processed_key)
    if failed_key then
      redis.call("INCR", failed_key)
    end
  end
end

