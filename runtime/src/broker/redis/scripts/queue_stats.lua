-- The counters of asynq's GetQueueInfo (asynq-protocol §5.23), read at one instant.
-- KEYS[1] pending, KEYS[2] active, KEYS[3] scheduled, KEYS[4] retry, KEYS[5] archived,
-- KEYS[6] completed, KEYS[7] processed:<day>, KEYS[8] failed:<day>.
-- Returns the eight numbers in that order; a missing counter is 0.
return {
  redis.call("LLEN", KEYS[1]),
  redis.call("LLEN", KEYS[2]),
  redis.call("ZCARD", KEYS[3]),
  redis.call("ZCARD", KEYS[4]),
  redis.call("ZCARD", KEYS[5]),
  redis.call("ZCARD", KEYS[6]),
  tonumber(redis.call("GET", KEYS[7])) or 0,
  tonumber(redis.call("GET", KEYS[8])) or 0,
}
