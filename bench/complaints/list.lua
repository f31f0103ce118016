-- The Office's filtered list (CMP-7): a random unit, status, type, channel or the overdue filter; newest first, 50 a page.
-- Needs COOKIE (the session) and UNITS (comma-separated unit ids) in the environment.
local units = {}
for u in string.gmatch(os.getenv("UNITS") or "", "[^,]+") do units[#units + 1] = u end
local statuses = { "Assigned", "Answered", "Received", "Closed" }
local types = { "SlowHandling", "Attitude", "BuckPassing", "Other" }
local channels = { "Hotline12345", "Web", "Letter" }
wrk.headers["Cookie"] = os.getenv("COOKIE")
math.randomseed(7)
request = function()
  local r = math.random(5)
  local q
  if r == 1 then q = "status=" .. statuses[math.random(#statuses)] .. "&unitId=" .. units[math.random(#units)]
  elseif r == 2 then q = "unitId=" .. units[math.random(#units)]
  elseif r == 3 then q = "type=" .. types[math.random(#types)] .. "&channel=" .. channels[math.random(#channels)]
  elseif r == 4 then q = "overdue=true"
  else q = "status=" .. statuses[math.random(#statuses)] end
  return wrk.format("GET", "/api/v1/complaints?" .. q)
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors %d, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, %.0f req/s\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
