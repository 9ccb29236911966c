-- Quarantine: take an id out of active and the lease set, delete its task hash, and
-- add one entry to the queue's quarantine stream, trimmed by length and by age (both
-- approximately, whole stream nodes at a time). Nothing goes to the archive. Like an
-- archive, a deleted hash counts one processed and one failed task; an id without a
-- hash counts nothing, as asynq never counts an id it could not read.
-- KEYS[1] task hash, KEYS[2] active, KEYS[3] lease, KEYS[4] quarantine stream,
-- KEYS[5] processed:<day>, KEYS[6] failed:<day>, KEYS[7] processed, KEYS[8] failed.
-- ARGV[1] task id, ARGV[2] most entries, ARGV[3] oldest entry age in milliseconds,
-- ARGV[4] stats expiry, ARGV[5] MaxInt64, ARGV[6..] the entry's field names and values.
-- Returns 1 when a hash was deleted, 2 when the id had none, 0 when neither active nor
-- the lease set held the id (then nothing changes). When the stream key holds another
-- type, it fails before writing anything, so the task stays active and leased.
local kind = redis.call("TYPE", KEYS[4]).ok
if kind ~= "stream" and kind ~= "none" then
  return redis.error_reply("WRONGTYPE quarantine key is not a stream")
end
local removed = redis.call("LREM", KEYS[2], 0, ARGV[1]) + redis.call("ZREM", KEYS[3], ARGV[1])
if removed == 0 then
  return 0
end
local had_hash = redis.call("DEL", KEYS[1])
if had_hash == 1 then
  count_daily(KEYS[5], ARGV[4])
  count_daily(KEYS[6], ARGV[4])
  count_total(KEYS[7], KEYS[8], ARGV[5])
end
local entry = redis.call("XADD", KEYS[4], "MAXLEN", "~", ARGV[2], "*", unpack(ARGV, 6))
local added_ms = tonumber(string.match(entry, "^(%d+)"))
local cutoff = added_ms - tonumber(ARGV[3])
if cutoff > 0 then
  redis.call("XTRIM", KEYS[4], "MINID", "~", string.format("%d", cutoff))
end
if had_hash == 1 then
  return 1
end
return 2
