-- Adds one entry to a queue's vetted quarantine stream, in the format the vetted Rust worker
-- writes, and counts the task as failed. The task itself is left for asynq to delete: the
-- middleware returns an error wrapping asynq.RevokeTask, and asynq then removes the task hash,
-- takes the id out of active and the lease set and counts it as processed.
-- KEYS[1] task hash, KEYS[2] quarantine stream, KEYS[3] failed:<day>, KEYS[4] failed total.
-- ARGV[1] most entries, ARGV[2] oldest entry age in milliseconds, ARGV[3] longest msg kept
-- (negative: none), ARGV[4] expiry of failed:<day> in Unix seconds, ARGV[5] MaxInt64,
-- ARGV[6..] the entry's field names and values known to the caller.
-- Returns the new entry's id. Fails before writing anything when the stream key holds
-- another type.
local kind = redis.call("TYPE", KEYS[2]).ok
if kind ~= "stream" and kind ~= "none" then
  return redis.error_reply("WRONGTYPE quarantine key is not a stream")
end
local fields = {}
for i = 6, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
local len = redis.call("HSTRLEN", KEYS[1], "msg")
fields[#fields + 1] = "len"
fields[#fields + 1] = tostring(len)
if len <= tonumber(ARGV[3]) then
  local msg = redis.call("HGET", KEYS[1], "msg")
  if msg then
    fields[#fields + 1] = "msg"
    fields[#fields + 1] = msg
  end
end
local entry = redis.call("XADD", KEYS[2], "MAXLEN", "~", ARGV[1], "*", unpack(fields))
local added_ms = tonumber(string.match(entry, "^(%d+)"))
local cutoff = added_ms - tonumber(ARGV[2])
if cutoff > 0 then
  redis.call("XTRIM", KEYS[2], "MINID", "~", string.format("%d", cutoff))
end
if redis.call("INCR", KEYS[3]) == 1 then
  redis.call("EXPIREAT", KEYS[3], ARGV[4])
end
local total = redis.call("GET", KEYS[4])
if tonumber(total) == tonumber(ARGV[5]) then
  redis.call("SET", KEYS[4], 1)
else
  redis.call("INCR", KEYS[4])
end
return entry
