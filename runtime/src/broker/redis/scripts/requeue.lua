-- Requeue (asynq-protocol §5.12): back to the head of pending, no stats. An id whose
-- hash is gone is requeued without creating a stub hash for it.
-- KEYS[1] active, KEYS[2] lease, KEYS[3] pending, KEYS[4] task hash. ARGV[1] task id.
-- Unlike asynq, a missing lease entry (asynq#1144) is no error: asynq's script takes the
-- id out of active and then fails with NOT FOUND, leaving the task in no list; here
-- active alone decides, and the id goes to pending whether or not it had a lease.
-- Returns 1 when done, 0 when the task is not active.
if redis.call("LREM", KEYS[1], 0, ARGV[1]) == 0 then
  return 0
end
redis.call("ZREM", KEYS[2], ARGV[1])
redis.call("RPUSH", KEYS[3], ARGV[1])
if redis.call("TYPE", KEYS[4]).ok == "hash" then
  redis.call("HSET", KEYS[4], "state", "pending")
end
return 1
