-- Done (asynq-protocol §5.8).
-- KEYS[1] active, KEYS[2] lease, KEYS[3] task hash, KEYS[4] processed:<day>,
-- KEYS[5] processed total, KEYS[6] unique lock (only when the task has one).
-- ARGV[1] task id, ARGV[2] stats expiry in Unix seconds, ARGV[3] MaxInt64.
-- As in requeue.lua, active alone decides; a missing lease entry is no error.
-- Returns 1 when done, 0 when the task is not active or has no hash (asynq's NOT FOUND;
-- an id without a hash leaves active and the lease set all the same).
if redis.call("LREM", KEYS[1], 0, ARGV[1]) == 0 then
  return 0
end
redis.call("ZREM", KEYS[2], ARGV[1])
if redis.call("DEL", KEYS[3]) == 0 then
  return 0
end
count_daily(KEYS[4], ARGV[2])
count_total(KEYS[5], nil, ARGV[3])
if KEYS[6] and redis.call("GET", KEYS[6]) == ARGV[1] then
  redis.call("DEL", KEYS[6])
end
return 1
