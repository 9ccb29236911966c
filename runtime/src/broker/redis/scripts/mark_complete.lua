-- MarkAsComplete (asynq-protocol §5.9).
-- KEYS[1] active, KEYS[2] lease, KEYS[3] completed, KEYS[4] task hash,
-- KEYS[5] processed:<day>, KEYS[6] processed total, KEYS[7] unique lock (optional).
-- ARGV[1] task id, ARGV[2] stats expiry, ARGV[3] retention expiry in Unix seconds,
-- ARGV[4] encoded message, ARGV[5] MaxInt64.
-- As in requeue.lua, active alone decides; a missing lease entry is no error.
-- Returns 1 when done, 0 when not active, -1 when completed already holds the id (both
-- checked before any write, so then nothing changes).
if not redis.call("LPOS", KEYS[1], ARGV[1]) then
  return 0
end
if redis.call("ZSCORE", KEYS[3], ARGV[1]) then
  return -1
end
redis.call("LREM", KEYS[1], 0, ARGV[1])
redis.call("ZREM", KEYS[2], ARGV[1])
redis.call("ZADD", KEYS[3], ARGV[3], ARGV[1])
redis.call("HSET", KEYS[4], "msg", ARGV[4], "state", "completed")
count_daily(KEYS[5], ARGV[2])
count_total(KEYS[6], nil, ARGV[5])
if KEYS[7] and redis.call("GET", KEYS[7]) == ARGV[1] then
  redis.call("DEL", KEYS[7])
end
return 1
