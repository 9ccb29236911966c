-- The archive trim of asynq v0.25+ (§5.11), which
-- deletes the hashes of the tasks it drops. Members are removed one at a time so that
-- a large trim never hits Lua's unpack limit.

local function drop_archived(archived_key, task_prefix, ids)
  for _, id in ipairs(ids) do
    redis.call("DEL", task_prefix .. id)
    redis.call("ZREM", archived_key, id)
  end
end

local function trim_archive(archived_key, task_prefix, cutoff, max_size)
  local old = redis.call("ZRANGE", archived_key, "-inf", cutoff, "BYSCORE")
  drop_archived(archived_key, task_prefix, old)
  local extra = redis.call("ZRANGE", archived_key, 0, -tonumber(max_size))
  drop_archived(archived_key, task_prefix, extra)
end

