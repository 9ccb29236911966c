-- The newest entries of a quarantine stream, without their kept msg bytes and with every
-- other name and value cut short, so that a planted entry of any size costs the reader
-- little memory. Entries are read one at a time (exclusive ranges need Redis 6.2+), so
-- the script itself holds at most one whole entry at once.
-- KEYS[1] the stream; ARGV[1] how many entries; ARGV[2] the longest name or value kept.
-- Returns {XLEN, {entry, ...}}, newest first; each entry is {id, {name, value, ...}, kept}
-- where the msg pair is left out and kept is 1 when the entry holds one.
local len = redis.call("XLEN", KEYS[1])
local cut = tonumber(ARGV[2])
local entries = {}
local before = "+"
for _ = 1, tonumber(ARGV[1]) do
  local item = redis.call("XREVRANGE", KEYS[1], before, "-", "COUNT", 1)[1]
  if item == nil then
    break
  end
  local raw, fields, kept = item[2], {}, 0
  for i = 1, #raw, 2 do
    if raw[i] == "msg" then
      kept = 1
    else
      fields[#fields + 1] = string.sub(raw[i], 1, cut)
      fields[#fields + 1] = string.sub(raw[i + 1], 1, cut)
    end
  end
  entries[#entries + 1] = {item[1], fields, kept}
  before = "(" .. item[1]
end
return {len, entries}
