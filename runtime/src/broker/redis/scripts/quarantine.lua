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
-- the lease set held the id. Every step that can fail (a stream key of another type,
-- XADD past the stream's last possible id) comes before the first write, so on any
-- error or 0 nothing changes and the task stays active and leased. The age trim is
-- best effort, and skipped when the new entry's time in ms has over 15 digits (beyond
-- what a Lua number holds exactly).
local kind = redis.call("TYPE", KEYS[4]).ok
if kind ~= "stream" and kind ~= "none" then
  return redis.error_reply("WRONGTYPE quarantine key is not a stream")
end
if not redis.call("LPOS", KEYS[2], ARGV[1]) and not redis.call("ZSCORE", KEYS[3], ARGV[1]) then
  return 0
end
local entry = redis.call("XADD", KEYS[4], "MAXLEN", "~", ARGV[2], "*", unpack(ARGV, 6))
local added_ms = string.match(entry, "^(%d+)%-")
if added_ms and #added_ms <= 15 then
  local cutoff = tonumber(added_ms) - tonumber(ARGV[3])
  if cutoff > 0 then
    redis.pcall("XTRIM", KEYS[4], "MINID", "~", string.format("%d", cutoff))
  end
end
redis.call("LREM", KEYS[2], 0, ARGV[1])
redis.call("ZREM", KEYS[3], ARGV[1])
local had_hash = redis.call("TYPE", KEYS[1]).ok == "hash"
redis.call("DEL", KEYS[1])
if not had_hash then
  return 2
end
count_daily(KEYS[5], ARGV[4])
count_daily(KEYS[6], ARGV[4])
count_total(KEYS[7], KEYS[8], ARGV[5])
return 1
