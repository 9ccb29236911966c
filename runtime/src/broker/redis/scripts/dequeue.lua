-- Dequeue (asynq-protocol §5.7), measuring msg before reading it.
-- KEYS[1] pending, KEYS[2] paused flag, KEYS[3] active, KEYS[4] lease.
-- ARGV[1] lease expiry in Unix seconds, ARGV[2] task key prefix, ARGV[3] msg size cap.
-- Returns nil when paused or empty, else {kind, id[, extra]}:
--   {1, id, msg} a task; {2, id, length} msg over the cap; {3, id} no hash or no msg.
-- The id is active and leased in every case. A missing hash is not recreated.
if redis.call("EXISTS", KEYS[2]) == 1 then
  return nil
end
local id = redis.call("RPOPLPUSH", KEYS[1], KEYS[3])
if not id then
  return nil
end
redis.call("ZADD", KEYS[4], ARGV[1], id)
local key = ARGV[2] .. id
if redis.call("EXISTS", key) == 0 then
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
