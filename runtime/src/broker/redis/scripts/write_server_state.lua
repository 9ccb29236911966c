-- WriteServerState (asynq-protocol §5.20), the script part.
-- KEYS[1] server key, KEYS[2] workers key.
-- ARGV[1] TTL in seconds, ARGV[2] ServerInfo, then (task id, WorkerInfo) pairs.
redis.call("SETEX", KEYS[1], ARGV[1], ARGV[2])
redis.call("DEL", KEYS[2])
for i = 3, #ARGV, 2 do
  redis.call("HSET", KEYS[2], ARGV[i], ARGV[i + 1])
end
redis.call("EXPIRE", KEYS[2], ARGV[1])
return 1
