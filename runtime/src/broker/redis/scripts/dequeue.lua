-- Dequeue (asynq-protocol §5.7), measuring msg before reading it, and refusing a stray
-- copy of an id whose task is held elsewhere.
-- KEYS[1] pending, KEYS[2] paused flag, KEYS[3] active, KEYS[4] lease,
-- KEYS[5] scheduled, KEYS[6] retry, KEYS[7] archived, KEYS[8] completed.
-- ARGV[1] lease expiry in Unix seconds, ARGV[2] task key prefix, ARGV[3] msg size cap,
-- ARGV[4] group key prefix.
-- Returns nil when paused or empty, else {kind, id[, extra]}:
--   {1, id, msg} a task; {2, id, length} msg over the cap; {3, id} no hash or no msg;
--   {4, id, place} a stray copy, where place names what holds the task.
-- Kinds 1 to 3 leave the id active and leased; a missing hash is not recreated. A task
-- key of another type counts as no hash and is left as it is, and a group key of
-- another type holds no task: neither may fail the script, or the id would stay at the
-- tail of pending and block the queue for good.
-- Kind 4 pops the copy from pending and writes nothing else: the holder's active entry,
-- lease and hash stay as they were.
if redis.call("EXISTS", KEYS[2]) == 1 then
  return nil
end
local id = redis.call("LINDEX", KEYS[1], -1)
if not id then
  return nil
end
local key = ARGV[2] .. id
local is_hash = redis.call("TYPE", key).ok == "hash"
local function in_group()
  local group = is_hash and redis.call("HGET", key, "group")
  if not group or group == "" then
    return false
  end
  local group_key = ARGV[4] .. group
  return redis.call("TYPE", group_key).ok == "zset" and redis.call("ZSCORE", group_key, id)
end
local function held_in()
  if redis.call("ZSCORE", KEYS[4], id) then
    return "lease"
  end
  if redis.call("LPOS", KEYS[3], id) then
    return "active"
  end
  -- pcall: one of these sets replaced by a key of another type (asynq's own dequeue
  -- never reads them) must not stop the queue; such a set holds nothing.
  local sets = {"scheduled", "retry", "archived", "completed"}
  for i, place in ipairs(sets) do
    local score = redis.pcall("ZSCORE", KEYS[4 + i], id)
    if score and type(score) ~= "table" then
      return place
    end
  end
  if in_group() then
    return "aggregating"
  end
  return nil
end
local place = held_in()
if place then
  redis.call("RPOP", KEYS[1])
  return {4, id, place}
end
redis.call("RPOPLPUSH", KEYS[1], KEYS[3])
redis.call("ZADD", KEYS[4], ARGV[1], id)
if not is_hash then
  return {3, id}
end
redis.call("HSET", key, "state", "active")
redis.call("HDEL", key, "pending_since")
if redis.call("HEXISTS", key, "msg") == 0 then
  return {3, id}
end
local len = redis.call("HSTRLEN", key, "msg")
if len > tonumber(ARGV[3]) then
  return {2, id, len}
end
return {1, id, redis.call("HGET", key, "msg")}
