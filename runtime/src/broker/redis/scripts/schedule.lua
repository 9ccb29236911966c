-- Schedule (asynq-protocol §5.3).
-- KEYS[1] task hash, KEYS[2] scheduled set.
-- ARGV[1] encoded message, ARGV[2] process-at in Unix seconds, ARGV[3] task id.
-- Returns 1 when stored, 0 when the id is taken.
if redis.call("EXISTS", KEYS[1]) == 1 then
  return 0
end
redis.call("HSET", KEYS[1], "msg", ARGV[1], "state", "scheduled")
redis.call("ZADD", KEYS[2], ARGV[2], ARGV[3])
return 1
