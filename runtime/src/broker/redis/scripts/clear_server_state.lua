-- ClearServerState (asynq-protocol §5.20), the script part.
-- KEYS[1] server key, KEYS[2] workers key.
redis.call("DEL", KEYS[1])
redis.call("DEL", KEYS[2])
return 1
