-- wrk script: POST /api/v1/ratings with one of many device tokens and a fresh case number per request.
-- Environment: TOKENS (file, one token per line), SECTION (window ids, comma-separated).
local counter = 0
local threads = {}
local tokens = {}
local sections = {}
for s in string.gmatch(os.getenv("SECTION") or "00000000-0000-0000-0000-000000000000", "[^,]+") do table.insert(sections, s) end

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("TOKENS")) do table.insert(tokens, line) end
  math.randomseed(os.time() + tid * 7919)
  prefix = string.format("B%d-%d-", os.time(), tid)
end

function request()
  counter = counter + 1
  local level = 1
  if counter % 10 == 0 then level = 2 end
  if counter % 50 == 0 then level = 3 end
  local body = string.format('{"sectionId":"%s","caseNumber":"%s%d","level":%d}', sections[(counter % #sections) + 1], prefix, counter, level)
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1] }
  return wrk.format("POST", "/api/v1/ratings", headers, body)
end

function done(summary, latency, requests)
  local codes = summary.errors
  io.write(string.format("non-2xx/3xx: %d, socket errors: connect %d read %d write %d timeout %d\n",
    codes.status, codes.connect, codes.read, codes.write, codes.timeout))
end
