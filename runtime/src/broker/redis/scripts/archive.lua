-- Archive (asynq-protocol §5.11), trimming by age and size. The unique lock is kept.
-- KEYS[1] task hash, KEYS[2] active, KEYS[3] lease, KEYS[4] archived,
-- KEYS[5] processed:<day>, KEYS[6] failed:<day>, KEYS[7] processed, KEYS[8] failed,
-- KEYS[9] task key prefix.
-- ARGV[1] task id, ARGV[2] encoded message, ARGV[3] now in Unix seconds,
-- ARGV[4] age cutoff in Unix seconds, ARGV[5] archive size limit, ARGV[6] stats expiry,
-- ARGV[7] MaxInt64.
-- As in requeue.lua, active alone decides; a missing lease entry is no error.
-- Returns 1 when done, 0 when the task is not active.
if redis.call("LREM", KEYS[2], 0, ARGV[1]) == 0 then
  return 0
end
redis.call("ZREM", KEYS[3], ARGV[1])
redis.call("ZADD", KEYS[4], ARGV[3], ARGV[1])
trim_archive(KEYS[4], KEYS[9], ARGV[4], ARGV[5])
redis.call("HSET", KEYS[1], "msg", ARGV[2], "state", "archived")
count_daily(KEYS[5], ARGV[6])
count_daily(KEYS[6], ARGV[6])
count_total(KEYS[7], KEYS[8], ARGV[7])
return 1
