-- Enqueue (asynq-protocol §5.1).
-- KEYS[1] task hash, KEYS[2] pending list.
-- ARGV[1] encoded message, ARGV[2] task id, ARGV[3] now in Unix nanoseconds.
-- Returns 1 when stored, 0 when the id is taken.
if redis.call("EXISTS", KEYS[1]) == 1 then
  return 0
end
redis.call("HSET", KEYS[1], "msg", ARGV[1], "state", "pending", "pending_since", ARGV[3])
redis.call("LPUSH", KEYS[2], ARGV[2])
return 1
