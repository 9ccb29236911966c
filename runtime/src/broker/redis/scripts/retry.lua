-- Retry (asynq-protocol §5.10). The unique lock is kept.
-- KEYS[1] task hash, KEYS[2] active, KEYS[3] lease, KEYS[4] retry,
-- KEYS[5] processed:<day>, KEYS[6] failed:<day>, KEYS[7] processed, KEYS[8] failed.
-- ARGV[1] task id, ARGV[2] encoded message, ARGV[3] retry-at in Unix seconds,
-- ARGV[4] stats expiry, ARGV[5] "1" when the attempt counts as a failure, ARGV[6] MaxInt64.
-- As in requeue.lua, active alone decides; a missing lease entry is no error.
-- Returns 1 when done, 0 when the task is not active.
if redis.call("LREM", KEYS[2], 0, ARGV[1]) == 0 then
  return 0
end
redis.call("ZREM", KEYS[3], ARGV[1])
redis.call("ZADD", KEYS[4], ARGV[3], ARGV[1])
redis.call("HSET", KEYS[1], "msg", ARGV[2], "state", "retry")
if tonumber(ARGV[5]) == 1 then
  count_daily(KEYS[5], ARGV[4])
  count_daily(KEYS[6], ARGV[4])
  count_total(KEYS[7], KEYS[8], ARGV[6])
end
return 1
