-- Reschedule: an active task goes back to scheduled, without counting an attempt. An
-- id whose hash is gone creates no stub hash.
-- KEYS[1] active, KEYS[2] lease, KEYS[3] scheduled, KEYS[4] task hash.
-- ARGV[1] task id, ARGV[2] process-at in Unix seconds.
-- As in requeue.lua, active alone decides; a missing lease entry is no error.
-- Returns 1 when done, 0 when the task is not active.
if redis.call("LREM", KEYS[1], 0, ARGV[1]) == 0 then
  return 0
end
redis.call("ZREM", KEYS[2], ARGV[1])
redis.call("ZADD", KEYS[3], ARGV[2], ARGV[1])
if redis.call("TYPE", KEYS[4]).ok == "hash" then
  redis.call("HSET", KEYS[4], "state", "scheduled")
end
return 1
