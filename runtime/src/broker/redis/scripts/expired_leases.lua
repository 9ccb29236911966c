-- ListLeaseExpired (asynq-protocol §5.15), keeping ids whose msg is missing, measuring
-- each msg before reading it, and giving a lease to active ids that have none.
-- KEYS[1] lease, KEYS[2] active. ARGV[1] cutoff in Unix seconds, ARGV[2] task key
-- prefix, ARGV[3] msg size cap, ARGV[4] now in Unix seconds.
-- Returns {{id, msg length, msg or nil}, ...}; msg is nil when missing or over the cap.
-- An active id without a lease (asynq#1144) gets one ending now, so that it is listed
-- by a later call, once the recoverer's margin has passed for it too.
for _, id in ipairs(redis.call("LRANGE", KEYS[2], 0, -1)) do
  redis.call("ZADD", KEYS[1], "NX", ARGV[4], id)
end
local ids = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", ARGV[1])
local cap = tonumber(ARGV[3])
local found = {}
for i, id in ipairs(ids) do
  local key = ARGV[2] .. id
  local len = redis.call("HSTRLEN", key, "msg")
  if len <= cap then
    found[i] = {id, len, redis.call("HGET", key, "msg")}
  else
    found[i] = {id, len}
  end
end
return found
