-- ListLeaseExpired (asynq-protocol §5.15), keeping ids whose msg is missing.
-- KEYS[1] lease. ARGV[1] cutoff in Unix seconds, ARGV[2] task key prefix.
-- Returns {{id, msg or nil}, ...}.
local ids = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", ARGV[1])
local found = {}
for i, id in ipairs(ids) do
  found[i] = {id, redis.call("HGET", ARGV[2] .. id, "msg")}
end
return found
