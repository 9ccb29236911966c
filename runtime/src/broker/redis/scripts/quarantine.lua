-- Quarantine: take an id with no usable message out of active and lease. A surviving
-- hash is archived like a failed task, its original msg kept in vetted_original_msg
-- and replaced by a minimal message that asynq tooling can decode; like an archive, it
-- counts one processed and one failed task. No hash: the id is only dropped and nothing
-- is counted, as asynq never counts an id it could not read.
-- KEYS and ARGV as in archive.lua, with ARGV[2] the replacement message.
-- Returns 1 when archived, 2 when dropped, 0 when neither active nor lease held the id.
local removed = redis.call("LREM", KEYS[2], 0, ARGV[1]) + redis.call("ZREM", KEYS[3], ARGV[1])
if removed == 0 then
  return 0
end
if redis.call("EXISTS", KEYS[1]) == 0 then
  return 2
end
count_daily(KEYS[5], ARGV[6])
count_daily(KEYS[6], ARGV[6])
count_total(KEYS[7], KEYS[8], ARGV[7])
local original = redis.call("HGET", KEYS[1], "msg")
if original then
  redis.call("HSETNX", KEYS[1], "vetted_original_msg", original)
end
redis.call("ZADD", KEYS[4], ARGV[3], ARGV[1])
trim_archive(KEYS[4], KEYS[9], ARGV[4], ARGV[5])
redis.call("HSET", KEYS[1], "msg", ARGV[2], "state", "archived")
return 1
