-- Requeue (asynq-protocol §5.12): back to the head of pending, no stats. An id whose
-- hash is gone is requeued without creating a stub hash for it.
-- KEYS[1] active, KEYS[2] lease, KEYS[3] pending, KEYS[4] task hash. ARGV[1] task id.
-- Returns 1 when done, 0 when the task is not active.
if redis.call("LREM", KEYS[1], 0, ARGV[1]) == 0 then
  return 0
end
if redis.call("ZREM", KEYS[2], ARGV[1]) == 0 then
  return 0
end
redis.call("RPUSH", KEYS[3], ARGV[1])
if redis.call("EXISTS", KEYS[4]) == 1 then
  redis.call("HSET", KEYS[4], "state", "pending")
end
return 1
